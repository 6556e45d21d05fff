// Single-file components, to TypeScript (vue-tsc checks their insides).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
