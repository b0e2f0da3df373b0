import { execFileSync } from 'node:child_process';
import { joinPathFragments, updateJson, type GeneratorCallback, type Tree } from '@nx/devkit';

export interface JobTypeGeneratorOptions {
  name: string;
  team: string;
  owner?: string;
  skipOpenApi?: boolean;
}

const KEBAB = /^[a-z][a-z0-9-]*$/;
const CATALOG_TEAMS = 'libs/job-catalog/src/teams.ts';
const CODEOWNERS = '.github/CODEOWNERS';

const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (kebab: string) => camel(kebab).replace(/^[a-z]/, (c) => c.toUpperCase());

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
  if (!tree.exists(joinPathFragments(root, 'project.json'))) createTeamLibrary(tree, team, options.owner ?? `@${team}`);
  const file = `${name}-job`;
  tree.write(joinPathFragments(root, 'src', `${file}.ts`), jobTypeSource(name, team));
  tree.write(joinPathFragments(root, 'src', `${file}.spec.ts`), jobTypeSpec(name));
  writeIndex(tree, root);

  if (options.skipOpenApi) return;
  // The committed OpenAPI document lists every served type; a test keeps it current.
  return () => {
    execFileSync('node', ['tools/scripts/run-typescript.mjs', 'apps/jobs-api/scripts/write-openapi.ts'], { stdio: 'inherit' });
  };
}

function createTeamLibrary(tree: Tree, team: string, owner: string): void {
  const root = `libs/jobs/${team}`;
  const project = `jobs-${team}`;
  tree.write(
    joinPathFragments(root, 'project.json'),
    `${JSON.stringify(
      {
        name: project,
        $schema: '../../../node_modules/nx/schemas/project-schema.json',
        sourceRoot: `${root}/src`,
        projectType: 'library',
        tags: ['type:jobs', `scope:${team}`],
        // lint, typecheck and test are inferred by the workspace's Nx plugins (nx.json).
        targets: {},
      },
      null,
      2,
    )}\n`,
  );
  tree.write(
    joinPathFragments(root, 'tsconfig.json'),
    `${JSON.stringify({ extends: '../../../tsconfig.base.json', include: ['src/**/*.ts'] }, null, 2)}\n`,
  );
  tree.write(
    joinPathFragments(root, 'tsconfig.spec.json'),
    `${JSON.stringify({ extends: '../../../tsconfig.base.json', compilerOptions: { types: ['node', 'jest'] }, include: ['src/**/*.ts', 'jest.config.ts'] }, null, 2)}\n`,
  );
  tree.write(
    joinPathFragments(root, 'jest.config.ts'),
    `export default {\n  displayName: '${project}',\n  preset: '../../../jest.preset.js',\n  coverageDirectory: '../../../coverage/${root}',\n};\n`,
  );
  tree.write(
    joinPathFragments(root, 'README.md'),
    `# ${project}\n\nThe ${team} team's job types. Add one with:\n\n    npx nx g @async-jobs/workspace-plugin:job-type <name> --team ${team}\n`,
  );

  updateJson(tree, 'tsconfig.base.json', (json) => {
    json.compilerOptions.paths[`@async-jobs/jobs-${team}`] = [`./${root}/src/index.ts`];
    return json;
  });
  const teams = tree.exists(CATALOG_TEAMS) ? (tree.read(CATALOG_TEAMS, 'utf-8') ?? '') : '';
  tree.write(
    CATALOG_TEAMS,
    `${teams.replace(/\nexport \{\};\n?$/, '\n')}export { jobTypes as ${camel(team)} } from '@async-jobs/jobs-${team}';\n`,
  );
  const owners = tree.exists(CODEOWNERS) ? (tree.read(CODEOWNERS, 'utf-8') ?? '') : '';
  tree.write(CODEOWNERS, `${owners}${owners && !owners.endsWith('\n') ? '\n' : ''}/${root}/ ${owner}\n`);
}

/** `src/index.ts` lists every `*-job.ts` of the library, so adding a type never means editing it by hand. */
function writeIndex(tree: Tree, root: string): void {
  const files = tree
    .children(joinPathFragments(root, 'src'))
    .filter((f) => f.endsWith('-job.ts'))
    .sort();
  const types = files.map((f) => f.replace(/\.ts$/, ''));
  const imports = types.map((t) => `import { ${camel(t)} } from './${t}';`).join('\n');
  tree.write(
    joinPathFragments(root, 'src', 'index.ts'),
    `import type { JobType } from '@async-jobs/domain';\n${imports}\n\n/** This team's job types, registered in the job catalog (libs/job-catalog/src/teams.ts). Generated: do not edit. */\nexport const jobTypes: readonly JobType[] = [${types.map(camel).join(', ')}] as unknown as readonly JobType[];\n`,
  );
}

function existingJobTypeNames(tree: Tree): Map<string, string> {
  const names = new Map<string, string>([
    ['sleep', 'built-in'],
    ['noop', 'built-in'],
  ]);
  if (!tree.exists('libs/jobs')) return names;
  for (const team of tree.children('libs/jobs')) {
    for (const file of tree.children(`libs/jobs/${team}/src`).filter((f) => f.endsWith('-job.ts'))) {
      const match = /name: '([a-z0-9-]+)'/.exec(tree.read(`libs/jobs/${team}/src/${file}`, 'utf-8') ?? '');
      if (match) names.set(match[1], `team ${team}`);
    }
  }
  return names;
}

function jobTypeSource(name: string, team: string): string {
  const id = camel(`${name}-job`);
  return `import { Type } from '@sinclair/typebox';
import { defineJobType, PermanentJobError } from '@async-jobs/domain';

/** The input of \`${name}\`: the one source for the API model, validation, OpenAPI and the client type. */
export const ${camel(name)}InputSchema = Type.Object(
  {
    message: Type.String({ minLength: 1, maxLength: 1000, description: 'What to work on.' }),
  },
  { additionalProperties: false, title: '${pascal(name)}Input' },
);

/**
 * ${name}, owned by the ${team} team. Replace the example work below with yours: throw
 * PermanentJobError for failures retrying cannot fix; anything else thrown is retried up to
 * maxAttempts, then reported FAILED. A run is stopped at runLimit (its signal fires): set it to the
 * longest your work may take.
 */
export const ${id} = defineJobType({
  name: '${name}',
  description: 'An example job of the ${team} team: counts the words of a message.',
  inputSchema: ${camel(name)}InputSchema,
  maxAttempts: 3,
  runLimit: { seconds: 30, onTimeout: 'retry' },
  async run({ message }) {
    if (message.trim() === '') throw new PermanentJobError('EMPTY_MESSAGE', 'The message has no words');
    return { words: message.trim().split(/\\s+/).length };
  },
});
`;
}

function jobTypeSpec(name: string): string {
  const id = camel(`${name}-job`);
  return `import { PermanentJobError, systemClock, validateAgainstSchema } from '@async-jobs/domain';
import { ${id} } from './${name}-job';

const context = { jobId: 'job', consumerId: 'a', attempt: 1, clock: systemClock, signal: new AbortController().signal };

describe('the ${name} job', () => {
  it('counts the words of the message', async () => {
    await expect(${id}.run({ message: 'hello async jobs' }, context)).resolves.toEqual({ words: 3 });
  });

  it('fails for good on a message without words', async () => {
    await expect(${id}.run({ message: '   ' }, context)).rejects.toBeInstanceOf(PermanentJobError);
  });

  it('accepts only a message of 1 to 1000 characters', () => {
    expect(validateAgainstSchema(${id}.inputSchema, { message: 'hi' })).toEqual([]);
    expect(validateAgainstSchema(${id}.inputSchema, { message: '' })).toEqual([expect.objectContaining({ field: '/message', code: 'OUT_OF_RANGE' })]);
    expect(validateAgainstSchema(${id}.inputSchema, { text: 'hi' })).toEqual(expect.arrayContaining([expect.objectContaining({ field: '/text', code: 'UNEXPECTED_FIELD' })]));
  });
});
`;
}
