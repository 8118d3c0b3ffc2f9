/** The latest progress of a running job, as a section shows it under its buttons. */
export interface IProgress {
  message: string;
  fraction: number | null;
}
