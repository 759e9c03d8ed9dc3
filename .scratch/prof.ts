import { run } from '../bench/queue';
run().then((rows) => console.log(rows));
