import { dirname } from 'node:path';
import { createNodesFromFiles, type CreateNodesV2, type TargetConfiguration } from '@nx/devkit';

/**
 * Infers `typecheck` for every project with a `tsconfig.spec.json`: that file includes the sources and the specs,
 * so one `tsc --noEmit` checks both. Jest runs ts-jest without type checking; this is where types are checked.
 */
export const createNodesV2: CreateNodesV2 = [
  '**/tsconfig.spec.json',
  (configFiles, _options, context) =>
    createNodesFromFiles(
      (configFile) => {
        const projectRoot = dirname(configFile);
        const typecheck: TargetConfiguration = {
          command: 'tsc -p tsconfig.spec.json --noEmit',
          options: { cwd: projectRoot },
          cache: true,
          // The project's files (sources, specs, its tsconfigs), what it imports, and the compiler itself.
          inputs: ['default', '^production', { externalDependencies: ['typescript'] }],
          outputs: [],
          metadata: { technologies: ['typescript'], description: 'Type-check the sources and the specs' },
        };
        return { projects: { [projectRoot]: { targets: { typecheck } } } };
      },
      configFiles,
      _options,
      context,
    ),
];
