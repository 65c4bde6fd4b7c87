#!/usr/bin/env node
// the CLI, compiled: a committed entry so that the bin exists before the workspace is built
import '../dist/cli.js'
