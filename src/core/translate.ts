/** A dictionary lookup in the reader's language, for the few domain functions that write sentences. */
export type Translate = (key: string, params?: Record<string, unknown>) => string
