export { default as jobTypeGenerator } from './job-type/generator';
