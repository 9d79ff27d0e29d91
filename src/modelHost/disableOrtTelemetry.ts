// Imported for its effect, before onnxruntime-node, by every module that loads it (see ortEnv.ts).
import { ORT_ENV } from "../shared/ortEnv";

Object.assign(process.env, ORT_ENV);
