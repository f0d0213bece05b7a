export { TicketingError } from './ticketing-error.js';
