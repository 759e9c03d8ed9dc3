import { render } from 'preact';

render(<main>Tandem</main>, document.body);
