import { startBrowserViewer } from '../hosts/browser';

startBrowserViewer();
