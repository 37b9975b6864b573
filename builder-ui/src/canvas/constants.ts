/** dataTransfer type of a palette item being dragged onto the canvas (value: the node type). */
export const NODE_DRAG_TYPE = 'application/parley-node';
