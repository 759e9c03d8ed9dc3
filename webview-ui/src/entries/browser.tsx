import './noEval';
import { startBrowserViewer } from '../hosts/browser';

startBrowserViewer();
