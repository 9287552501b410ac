import { useRef, useState } from 'react';

import { FaceGuide, type FaceObservation, type GuideTarget } from '../face-guide';

export interface GuideView {
  message: string;
  ready: boolean;
  progress: number;
  oval: GuideTarget['oval'] | null;
  /** Still opening the camera or loading the detector: the hint shows a spinner. */
  waiting?: boolean;
}

const START: GuideView = { message: '正在打开相机…', ready: false, progress: 0, oval: null, waiting: true };

/** Feeds observations to one FaceGuide (the target follows the frame size); says when to capture. */
export function useFaceGuide(targetFor: (frame: { width: number; height: number }) => GuideTarget) {
  const guide = useRef<FaceGuide | null>(null);
  const size = useRef('');
  const [view, setView] = useState<GuideView>(START);

  const feed = (observation: FaceObservation, now: number): boolean => {
    const key = `${observation.frame.width}x${observation.frame.height}`;
    const target = targetFor(observation.frame);
    if (!guide.current) guide.current = new FaceGuide(target);
    else if (key !== size.current) guide.current.setTarget(target);
    size.current = key;
    const update = guide.current.update(observation, now);
    setView({ message: update.message, ready: update.ready, progress: update.holdProgress, oval: target.oval });
    return update.capture;
  };
  const reset = () => guide.current?.reset();
  return { view, setView, feed, reset };
}
