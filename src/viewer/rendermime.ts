import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

/**
 * A view of a rendermime registry that renders everything as untrusted, always.
 *
 * JupyterLab renders an output as trusted when its cell is trusted (and runs the scripts of
 * HTML and JavaScript outputs then). A student's notebook must never get there, not even if
 * someone runs "Trust Notebook" on it: this registry only picks renderers that are safe for
 * untrusted data (`preferredMimeType(..., 'ensure')`: no `application/javascript`, no SVG
 * outside an image) and hands every renderer a model that says `trusted: false` (HTML and
 * Markdown are sanitized). Its clones (the notebook clones its registry per document and per
 * cell for attachments) are untrusted views too.
 */
export class UntrustedRenderMime implements IRenderMimeRegistry {
  constructor(private readonly _inner: IRenderMimeRegistry) {}

  get sanitizer(): IRenderMime.ISanitizer {
    return this._inner.sanitizer;
  }
  get resolver(): IRenderMime.IResolver | null {
    return this._inner.resolver;
  }
  get linkHandler(): IRenderMime.ILinkHandler | null {
    return this._inner.linkHandler;
  }
  get trustHandler(): IRenderMime.ITrustHandler | null {
    return this._inner.trustHandler;
  }
  get latexTypesetter(): IRenderMime.ILatexTypesetter | null {
    return this._inner.latexTypesetter;
  }
  get markdownParser(): IRenderMime.IMarkdownParser | null {
    return this._inner.markdownParser;
  }
  get mimeTypes(): ReadonlyArray<string> {
    return this._inner.mimeTypes;
  }

  preferredMimeType(
    bundle: ReadonlyPartialJSONObject,
    safe?: 'ensure' | 'prefer' | 'any'
  ): string | undefined {
    return this._inner.preferredMimeType(bundle, 'ensure');
  }

  createRenderer(mimeType: string): IRenderMime.IRenderer {
    const renderer = this._inner.createRenderer(mimeType);
    const render = renderer.renderModel.bind(renderer);
    renderer.renderModel = (model: IRenderMime.IMimeModel) =>
      render(untrusted(model));
    return renderer;
  }

  createModel(options: MimeModel.IOptions = {}): MimeModel {
    return this._inner.createModel({ ...options, trusted: false });
  }

  clone(options?: IRenderMimeRegistry.ICloneOptions): UntrustedRenderMime {
    return new UntrustedRenderMime(this._inner.clone(options));
  }

  getFactory(mimeType: string): IRenderMime.IRendererFactory | undefined {
    return this._inner.getFactory(mimeType);
  }
  addFactory(factory: IRenderMime.IRendererFactory, rank?: number): void {
    this._inner.addFactory(factory, rank);
  }
  removeMimeType(mimeType: string): void {
    this._inner.removeMimeType(mimeType);
  }
  getRank(mimeType: string): number | undefined {
    return this._inner.getRank(mimeType);
  }
  setRank(mimeType: string, rank: number): void {
    this._inner.setRank(mimeType, rank);
  }
}

/** The same data and metadata, never trusted. */
function untrusted(model: IRenderMime.IMimeModel): IRenderMime.IMimeModel {
  return {
    trusted: false,
    get data() {
      return model.data;
    },
    get metadata() {
      return model.metadata;
    },
    setData: options => model.setData(options)
  };
}
