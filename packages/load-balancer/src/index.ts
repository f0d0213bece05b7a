export { LoadBalancerError } from './load-balancer-error.js';
