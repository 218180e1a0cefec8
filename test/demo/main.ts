import { exampleApp } from './example-app';

/** Synthesizes the example app and prints what each stack deploys. */
const assembly = exampleApp().synth();
for (const stack of assembly.stacks) {
  const resources = Object.entries(stack.template.Resources ?? {}) as Array<[string, any]>;
  console.log(`\n## ${stack.stackName} (${resources.length} resources)`);
  for (const [id, resource] of resources) {
    const props = resource.Type === 'Custom::EventStreamLookup'
      ? Object.entries(resource.Properties).filter(([k]) => k !== 'ServiceToken').map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')
      : '';
    console.log(`- ${id}: ${resource.Type} ${props}`);
  }
}
