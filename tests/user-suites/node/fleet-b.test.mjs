// Part of the user suite (see suite.mjs): three tests with their own emulator.
import { fleetTests } from './suite.mjs'

fleetTests(3, 3)
