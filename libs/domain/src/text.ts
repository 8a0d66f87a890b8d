/** Characters as people count them: code points, so an emoji is one, not two UTF-16 units. */
export const charCount = (text: string): number => [...text].length;
