// Entry of the model host process (dist/modelHost.js): see modelHost.ts.
import { serveModelHost } from "./modelHost";

serveModelHost();
