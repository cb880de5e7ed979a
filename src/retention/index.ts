import { backfillArchive } from "./backfill";
import { runRetention } from "./run";
import { sweepOrphans } from "./sweep";

// The storage jobs of every scheduled tick, in order: move a chunk of rows
// stored before migration 0010 to the archive (so retention may delete
// them), delete what is past RETENTION_DAYS, and once an hour sweep orphaned
// archive objects. All from the tick's scheduledTime.
export async function storageTick(env: Env, scheduledTime: number): Promise<void> {
	await backfillArchive(env, scheduledTime);
	await runRetention(env, scheduledTime);
	await sweepOrphans(env, scheduledTime);
}

export { backfillArchive, runRetention, sweepOrphans };
