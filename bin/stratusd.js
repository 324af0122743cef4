#!/usr/bin/env node
import { main } from '../dist/core/main.js';

await main(process.argv);
