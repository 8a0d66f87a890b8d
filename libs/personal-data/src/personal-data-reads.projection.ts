import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import { canonicalJson } from '@haven/domain';
import type { Projection } from '@haven/projections';
import { isReadsStream, type PersonalDataRead } from './domain/reads.events';

/** personal_data_reads: one row per person named in each recorded read, so "who read about X" is an index lookup. */
export const personalDataReadsProjection: Projection = {
  name: 'personal_data_reads',
  eventTypes: ['PersonalDataRead'],
  tables: ['personal_data_reads'],
  async migrate(db) {
    await db.execute(
      `create table if not exists personal_data_reads (subject_id text not null, position bigint not null, reader_id text not null,
       reader_role text not null, what text not null, params text not null, read_at text not null, primary key (subject_id, position))`,
    );
  },
  async apply(tx, recorded) {
    if (recorded.type !== 'PersonalDataRead' || !isReadsStream(recorded.streamId)) return;
    const { data } = recorded as unknown as PersonalDataRead & RecordedEvent;
    for (const subject of data.subjects) {
      await tx.execute(`insert into personal_data_reads values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`, [
        subject, recorded.position, data.by, data.role, data.what, canonicalJson(data.params), data.readAt,
      ]);
    }
  },
};

export interface PersonalDataReadView {
  position: number;
  by: string;
  role: string;
  what: string;
  params: Record<string, string>;
  readAt: string;
}

export const READS_PAGE = 200;

/** Who was shown records naming this person, newest first, at most READS_PAGE, before a position when given. */
export async function readsAbout(db: SqlExecutor, subjectId: string, before?: number): Promise<PersonalDataReadView[]> {
  const rows = await db.query(
    `select position, reader_id, reader_role, what, params, read_at from personal_data_reads
     where subject_id = $1 and position < $2 order by position desc limit ${READS_PAGE}`,
    [subjectId, before ?? Number.MAX_SAFE_INTEGER],
  );
  return rows.map((r) => ({
    position: Number(r.position),
    by: String(r.reader_id),
    role: String(r.reader_role),
    what: String(r.what),
    params: JSON.parse(String(r.params)) as Record<string, string>,
    readAt: String(r.read_at),
  }));
}
