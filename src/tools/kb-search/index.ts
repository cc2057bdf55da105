export { createKbSearchTool, MAX_QUERY_CHARS } from './kb-search.js';
