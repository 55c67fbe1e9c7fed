/** The registry of rules, by id. */
import type { RuleModule } from '../lib/rule';
import noThreadSpawn from './no-thread-spawn';
import noThreadSleep from './no-thread-sleep';
import noStdMpscInAsync from './no-std-mpsc-in-async';
import noBlockOn from './no-block-on';
import noSharedRuntime from './no-shared-runtime';

export const ruleList: RuleModule<any>[] = [noThreadSpawn, noThreadSleep, noStdMpscInAsync, noBlockOn, noSharedRuntime];

export const allRules: ReadonlyMap<string, RuleModule<any>> = new Map(ruleList.map((r) => [r.id, r]));
