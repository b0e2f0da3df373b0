// Asserts the architecture's direction on Nx's own project graph: no app depends on another app (infra's implicit
// dependency on the bundles it deploys aside),
// and the domain depends on no other project. Lint enforces the same per import; this checks the whole graph.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'graph-'));
const file = join(dir, 'graph.json');
try {
  execFileSync('npx', ['nx', 'graph', `--file=${file}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { graph } = JSON.parse(readFileSync(file, 'utf8'));
  const type = (name) => graph.nodes[name]?.type;
  const problems = [];
  for (const [source, deps] of Object.entries(graph.dependencies)) {
    for (const { target, type: edge } of deps) {
      if (!graph.nodes[target]) continue; // npm packages
      // infra zips the apps' bundles: it depends on their build output (an implicit edge), never on their code.
      const bundles = (graph.nodes[source].data.tags ?? []).includes('type:infra') && edge === 'implicit';
      if (type(source) === 'app' && type(target) === 'app' && !bundles) problems.push(`app ${source} depends on app ${target}`);
      if (source === 'domain') problems.push(`the domain depends on ${target}`);
    }
  }
  // Every team library has an owner in CODEOWNERS (the job-type generator writes it).
  const owners = readFileSync('.github/CODEOWNERS', 'utf8');
  for (const [name, node] of Object.entries(graph.nodes)) {
    const team = (node.data.tags ?? []).find((tag) => tag.startsWith('scope:') && tag !== 'scope:shared');
    if (team && !owners.split('\n').some((line) => line.startsWith(`/${node.data.root}/ `))) {
      problems.push(`${name} (${team}) has no line in .github/CODEOWNERS`);
    }
  }
  const apps = Object.keys(graph.nodes).filter((name) => type(name) === 'app');
  console.log(`project graph: ${Object.keys(graph.nodes).length} projects, apps ${apps.join(', ')}`);
  if (problems.length) {
    console.error(`project graph violations:\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log('project graph: no app → app edge; the domain depends on no other project; every team library has an owner');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
