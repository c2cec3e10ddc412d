/** An axis-aligned box in the sector frame [m]: the surveilled region. */
export interface Box {
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}
