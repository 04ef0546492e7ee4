// The tags the service reads, by keyword, in dicom-parser's 'xggggeeee' form. Keeping the
// keyword next to the tag lets error messages name both, as a user would look them up.

export const TAG = {
  TransferSyntaxUID: 'x00020010',
  SOPClassUID: 'x00080016',
  SOPInstanceUID: 'x00080018',
  StudyDate: 'x00080020',
  Modality: 'x00080060',
  Manufacturer: 'x00080070',
  SeriesDescription: 'x0008103e',
  PatientName: 'x00100010',
  PatientID: 'x00100020',
  SliceThickness: 'x00180050',
  SpacingBetweenSlices: 'x00180088',
  StudyInstanceUID: 'x0020000d',
  SeriesInstanceUID: 'x0020000e',
  InstanceNumber: 'x00200013',
  ImagePositionPatient: 'x00200032',
  ImageOrientationPatient: 'x00200037',
  SamplesPerPixel: 'x00280002',
  PhotometricInterpretation: 'x00280004',
  PlanarConfiguration: 'x00280006',
  NumberOfFrames: 'x00280008',
  Rows: 'x00280010',
  Columns: 'x00280011',
  PixelSpacing: 'x00280030',
  BitsAllocated: 'x00280100',
  BitsStored: 'x00280101',
  PixelRepresentation: 'x00280103',
  WindowCenter: 'x00281050',
  WindowWidth: 'x00281051',
  RescaleIntercept: 'x00281052',
  RescaleSlope: 'x00281053',
  RedPaletteDescriptor: 'x00281101',
  GreenPaletteDescriptor: 'x00281102',
  BluePaletteDescriptor: 'x00281103',
  RedPaletteData: 'x00281201',
  GreenPaletteData: 'x00281202',
  BluePaletteData: 'x00281203',
  SharedFunctionalGroupsSequence: 'x52009229',
  PerFrameFunctionalGroupsSequence: 'x52009230',
  PlanePositionSequence: 'x00209113',
  PlaneOrientationSequence: 'x00209116',
  PixelMeasuresSequence: 'x00289110',
  PixelValueTransformationSequence: 'x00289145',
  FrameVOILUTSequence: 'x00289132',
  PixelData: 'x7fe00010',
} as const;

export type TagKeyword = keyof typeof TAG;

/** '(0028,0010)' for 'x00280010': the form users see in dcmdump and the standard. */
export const tagLabel = (keyword: TagKeyword): string => {
  const t = TAG[keyword];
  return `${keyword} (${t.slice(1, 5).toUpperCase()},${t.slice(5, 9).toUpperCase()})`;
};
