/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  compilerOptions: {
    runes: true,
    // The app runs under `style-src 'self'`: component styles must end up in the CSS bundle,
    // never in <style> tags injected at run time.
    css: 'external',
  },
};
