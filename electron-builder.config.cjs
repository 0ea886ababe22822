// electron-builder: `npm run dist` (needs the network to fetch Electron and the packaging tools).
const ONNX_PLATFORMS = ['linux', 'win32', 'darwin'];
/** A files pattern that leaves out the ONNX Runtime binaries of every platform but `platform`. */
const onnxOnly = (platform) =>
  `!node_modules/onnxruntime-node/bin/napi-v6/{${ONNX_PLATFORMS.filter((p) => p !== platform).join(',')}}/**`;

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.eyenet.desktop',
  productName: 'EyeNet',
  copyright: 'EyeNet',
  directories: { output: 'release' },
  files: ['package.json', 'dist/renderer/**', 'dist-electron/**', '!**/*.map'],
  // Models live outside the archive so a site can see (and a later version can promote) them.
  extraResources: [{ from: 'resources/models', to: 'models' }],
  asar: true,
  // Fuses flipped in the Electron binary before signing: it cannot be run as plain Node, take NODE_OPTIONS or
  // --inspect, or load app code from outside its checked app.asar; file:// gets no extra privileges (the
  // renderer is served from eyenet://app).
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  // Native modules and the WebAssembly kernels must be real files on disk.
  asarUnpack: [
    'node_modules/sharp/**',
    'node_modules/@img/**',
    'node_modules/better-sqlite3/**',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
    // ONNX Runtime's native binding and its shared library are loaded by path.
    'node_modules/onnxruntime-node/bin/**',
  ],
  // Rebuild better-sqlite3 (and any other native module) against Electron's Node ABI.
  npmRebuild: true,
  nodeGypRebuild: false,
  // onnxruntime-node carries every platform's binaries (~300 MB); each installer keeps only its own. It has none
  // for Intel Macs: there EyeNet grades on tfjs-wasm and says why (README, "Engines").
  linux: {
    target: ['AppImage', 'deb'],
    category: 'MedicalSoftware',
    maintainer: 'EyeNet',
    files: [onnxOnly('linux')],
  },
  deb: { depends: ['libnss3', 'libgtk-3-0'] },
  win: { target: ['nsis'], files: [onnxOnly('win32')] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: { target: ['dmg'], category: 'public.app-category.medical', files: [onnxOnly('darwin')] },
};
