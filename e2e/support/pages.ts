/** The h5 app's page paths the browser tests open or wait for: the app's own table. */
export { ROUTES as PAGES } from '../../client/route-paths';
