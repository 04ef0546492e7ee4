// Build-time stand-in for `xmlbuilder2`, which vtk.js's XML mesh reader imports and Cornerstone's
// core index pulls in. Its Node build extends Node's EventEmitter at load time and so breaks the
// browser bundle; the viewer never reads VTK XML meshes, so a stub that refuses is enough.
export function create(): never {
  throw new Error('VTK XML files are not supported in Verdict.');
}
