import { Menu } from '@lumino/widgets';

/**
 * A menu renderer that shows each item's caption as its tooltip (`title`), so a disabled
 * snippet entry says why it is disabled.
 */
export class CaptionMenuRenderer extends Menu.Renderer {
  createItemARIA(data: Menu.IRenderData): any {
    const aria: any = super.createItemARIA(data);
    const caption = data.item.caption;
    return caption ? { ...aria, title: caption } : aria;
  }
}
