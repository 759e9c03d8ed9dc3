import { startVsCodeViewer } from '../hosts/vscode';

startVsCodeViewer();
