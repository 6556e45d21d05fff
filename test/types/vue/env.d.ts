import type {} from 'spotnana-embed/vue';
