// One supervisectl command line as the verbs run it (SPEC section 10). Here
// rather than in src/cli, which builds it: cli depends on ctl, never back.
import type { ListenAddress } from '../serve/listen-address.js';
import type { ControlAction } from './control-actions.js';

type Dirs = readonly string[];

export type CtlCommand =
  | { readonly verb: 'help'; readonly text: string }
  | { readonly verb: 'status'; readonly json: boolean; readonly dirs: Dirs }
  | { readonly verb: 'control'; readonly action: ControlAction; readonly waitSeconds: number | null; readonly dirs: Dirs }
  | { readonly verb: 'alarm'; readonly alarmsOn: boolean; readonly dirs: Dirs }
  | { readonly verb: 'reload'; readonly dirs: Dirs }
  | { readonly verb: 'check'; readonly dirs: Dirs }
  | { readonly verb: 'metrics'; readonly dirs: Dirs }
  | {
      readonly verb: 'logs';
      readonly dir: string;
      readonly stream: 'stdout' | 'stderr';
      readonly lines: number;
      readonly follow: boolean;
    }
  | { readonly verb: 'serve'; readonly listen: ListenAddress; readonly tokenFile: string | null; readonly dirs: Dirs };
