import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  addProjectConfiguration,
  formatFiles,
  generateFiles,
  joinPathFragments,
  names,
  offsetFromRoot,
  updateJson,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';

export interface JobTypeGeneratorOptions {
  name: string;
  team: string;
  owner?: string;
  skipOpenApi?: boolean;
}

const KEBAB = /^[a-z][a-z0-9-]*$/;
const CATALOG_TEAMS = 'libs/job-catalog/src/teams.ts';
const CODEOWNERS = '.github/CODEOWNERS';
// The `.template` suffix (and .prettierignore) keeps Nx, tsc, ESLint, Jest and Prettier from taking these for the workspace's own sources.
const LIBRARY_FILES = join(__dirname, 'files', 'library');
const JOB_TYPE_FILES = join(__dirname, 'files', 'job-type');

/**
 * `nx g @async-jobs/workspace-plugin:job-type <name> --team <team>`: adds a working job type (input
 * schema, run function, tests) to `libs/jobs/<team>`. On a team's first type it also creates the
 * library (tags `type:jobs`, `scope:<team>`), its path alias, its one line in the job catalog and
 * its CODEOWNERS entry. Afterwards docs/openapi.json is regenerated; `npm start` serves the type.
 */
export default async function jobTypeGenerator(tree: Tree, options: JobTypeGeneratorOptions): Promise<GeneratorCallback | void> {
  const { name, team } = options;
  if (!KEBAB.test(name) || name.length > 63) throw new Error(`The job type name "${name}" must be lower-case kebab-case`);
  if (!KEBAB.test(team) || team.length > 31) throw new Error(`The team "${team}" must be lower-case kebab-case`);
  const taken = existingJobTypeNames(tree);
  if (taken.has(name)) throw new Error(`A job type named "${name}" exists already (${taken.get(name)})`);

  const root = `libs/jobs/${team}`;
  if (!tree.exists(joinPathFragments(root, 'project.json'))) createTeamLibrary(tree, team, root, options.owner ?? `@${team}`);
  addJobType(tree, name, team, root);
  await formatFiles(tree);

  if (options.skipOpenApi) return;
  // The committed OpenAPI document lists every served type; a test keeps it current.
  return () => {
    execFileSync('node', ['tools/scripts/run-typescript.mjs', 'apps/jobs-api/scripts/write-openapi.ts'], { stdio: 'inherit' });
  };
}

function createTeamLibrary(tree: Tree, team: string, root: string, owner: string): void {
  const projectName = `jobs-${team}`;
  // No targets: lint, test and typecheck are inferred by the workspace's Nx plugins (nx.json).
  addProjectConfiguration(tree, projectName, {
    root,
    sourceRoot: `${root}/src`,
    projectType: 'library',
    tags: ['type:jobs', `scope:${team}`],
  });
  generateFiles(tree, LIBRARY_FILES, root, { projectName, projectRoot: root, team, offsetFromRoot: offsetFromRoot(root) });

  updateJson(tree, 'tsconfig.base.json', (json) => {
    json.compilerOptions.paths ??= {};
    json.compilerOptions.paths[`@async-jobs/${projectName}`] = [`./${root}/src/index.ts`];
    return json;
  });
  const teams = tree.exists(CATALOG_TEAMS) ? (tree.read(CATALOG_TEAMS, 'utf-8') ?? '') : '';
  tree.write(
    CATALOG_TEAMS,
    `${teams.replace(/\nexport \{\};\n?$/, '\n')}export { jobTypes as ${names(team).propertyName} } from '@async-jobs/${projectName}';\n`,
  );
  const owners = tree.exists(CODEOWNERS) ? (tree.read(CODEOWNERS, 'utf-8') ?? '') : '';
  tree.write(CODEOWNERS, `${owners}${owners && !owners.endsWith('\n') ? '\n' : ''}/${root}/ ${owner}\n`);
}

/** Writes the type and its spec, and rewrites `src/index.ts` to list every `*-job.ts`, so no one edits the index by hand. */
function addJobType(tree: Tree, name: string, team: string, root: string): void {
  const src = joinPathFragments(root, 'src');
  const jobFiles = new Set([...(tree.exists(src) ? tree.children(src) : []).filter((f) => f.endsWith('-job.ts')), `${name}-job.ts`]);
  const jobTypes = [...jobFiles].sort().map((file) => names(file.replace(/\.ts$/, '')));
  const { fileName, propertyName, className } = names(name);
  generateFiles(tree, JOB_TYPE_FILES, root, { name, team, fileName, propertyName, className, jobTypes });
}

function existingJobTypeNames(tree: Tree): Map<string, string> {
  const taken = new Map<string, string>([
    ['sleep', 'built-in'],
    ['noop', 'built-in'],
  ]);
  if (!tree.exists('libs/jobs')) return taken;
  for (const team of tree.children('libs/jobs')) {
    for (const file of tree.children(`libs/jobs/${team}/src`).filter((f) => f.endsWith('-job.ts'))) {
      const match = /name: '([a-z0-9-]+)'/.exec(tree.read(`libs/jobs/${team}/src/${file}`, 'utf-8') ?? '');
      if (match) taken.set(match[1], `team ${team}`);
    }
  }
  return taken;
}
