/** The part of @jupyterlab/coreutils that api.ts uses. */
export namespace URLExt {
  export function join(...parts: string[]): string {
    return parts
      .map((part, i) =>
        i === 0 ? part.replace(/\/+$/, '') : part.replace(/^\/+|\/+$/g, '')
      )
      .filter(part => part.length > 0)
      .join('/');
  }
}
