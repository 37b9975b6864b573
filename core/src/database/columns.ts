/**
 * Column helpers shared by entities: epoch-millisecond bigints (returned as numbers on both
 * SQLite and MySQL) and JSON stored as text.
 */
import { Column, type ColumnOptions } from 'typeorm';

const msTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
};

/** A bigint column holding epoch milliseconds, exposed as `number`. */
export function MsColumn(name: string, options: ColumnOptions = {}): PropertyDecorator {
  return Column({ name, type: 'bigint', transformer: msTransformer, ...options });
}

/** A text column holding JSON, exposed as the parsed value. */
export function JsonColumn(name: string, options: ColumnOptions = {}): PropertyDecorator {
  return Column({
    name,
    type: 'text',
    nullable: true,
    transformer: {
      to: (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v)),
      from: (v: string | null) => (v === null || v === undefined ? null : JSON.parse(v)),
    },
    ...options,
  });
}

/**
 * TypeORM's insert/update typings reject JSON-object columns (`Record<string, unknown>`);
 * this narrows a full or partial row to what they accept.
 */
export function asRow<T>(row: Partial<T>): import('typeorm').DeepPartial<T> & any {
  return row as any;
}
