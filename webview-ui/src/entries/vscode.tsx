import './noEval';
import { startVsCodeViewer } from '../hosts/vscode';

startVsCodeViewer();
