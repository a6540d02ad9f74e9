import type { Target } from './targets.ts';

/** Short, stable label of what a target selects, for skip reasons and duplicate detection. */
export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'kustomize':
      return `kustomize image ${target.image}`;
    case 'helm':
      return `helm ${target.path}`;
    case 'kubernetes': {
      const scope = target.resource
        ? ` in ${target.resource.kind ?? '*'}/${target.resource.name ?? '*'}`
        : '';
      return `container ${target.container}${scope}`;
    }
    case 'yaml':
      return `yaml ${target.path}${target.document === undefined ? '' : ` (document ${target.document})`}`;
    case 'imagedefinitions':
      return `imagedefinitions ${target.container}`;
    case 'imagedetail':
      return 'imagedetail ImageURI';
    case 'taskdefinition':
      return `task definition container ${target.container}`;
    case 'discover':
      return `references found in ${target.files.join(', ')}`;
    case 'ssm':
      return `SSM parameter ${target.parameter}`;
  }
}
