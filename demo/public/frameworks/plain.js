// Plain HTML: the page's markup holds the element; the CDN file (/spotnana-embed.min.js)
// defines it. This script only listens.
document
  .querySelector('spotnana-embed')
  .addEventListener('spotnana-token-sent', () => console.log('signed in to Spotnana'));
