import { requestAPI } from '../request';
import { IBrokerSettings } from './fill';

/**
 * Types and calls of the snippet/template routes (answered by the user's own server) and the
 * broker routes of the classroom service (through the teacher's admin forwarder).
 */
export namespace MqttAPI {
  export interface ISnippet {
    name: string;
    language: string;
    title: string;
    description: string;
    order: number;
    body: string;
    source: 'package' | 'class';
  }

  export interface ITemplate {
    name: string;
    title: string;
    description: string;
    language: string;
    kernel: string;
    source: 'package' | 'class';
  }

  export interface IBrokerTest {
    ok: boolean;
    stage: string;
    message: string;
    topic: string;
    connect_ms: number | null;
    roundtrip_ms: number | null;
  }

  export interface IClassBroker extends IBrokerSettings {
    hasPassword?: boolean;
  }

  export async function snippets(): Promise<ISnippet[]> {
    const data = await requestAPI<{ snippets: ISnippet[] }>('snippets');
    return data.snippets;
  }

  export async function templates(): Promise<ITemplate[]> {
    const data = await requestAPI<{ templates: ITemplate[] }>('templates');
    return data.templates;
  }

  export async function template(
    name: string
  ): Promise<{ template: ITemplate; notebook: any }> {
    return requestAPI(`templates/${encodeURIComponent(name)}`);
  }

  /** The class broker as the teacher last set it (read fresh by the user's own server). */
  export async function classBroker(): Promise<IClassBroker> {
    const data = await requestAPI<{ settings: IClassBroker }>('broker');
    return data.settings;
  }

  export async function getBroker(): Promise<IClassBroker> {
    const data = await requestAPI<{ settings: IClassBroker }>('admin/broker');
    return data.settings;
  }

  export async function putBroker(
    settings: IClassBroker
  ): Promise<{ changed: boolean; settings: IClassBroker }> {
    return requestAPI('admin/broker', {
      method: 'PUT',
      body: JSON.stringify(settings)
    });
  }

  export async function testBroker(
    settings: IClassBroker
  ): Promise<IBrokerTest> {
    return requestAPI('admin/broker/test', {
      method: 'POST',
      body: JSON.stringify(settings)
    });
  }

  export async function addSnippet(snippet: {
    language: string;
    name: string;
    title: string;
    description: string;
    body: string;
  }): Promise<{ changed: boolean; path: string }> {
    return requestAPI('admin/snippets', {
      method: 'POST',
      body: JSON.stringify(snippet)
    });
  }

  export async function addTemplate(template: {
    name: string;
    title: string;
    description: string;
    notebook: any;
  }): Promise<{ changed: boolean; path: string }> {
    return requestAPI('admin/templates', {
      method: 'POST',
      body: JSON.stringify(template)
    });
  }
}
