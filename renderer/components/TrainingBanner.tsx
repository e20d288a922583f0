import { Alert } from 'antd';

/** Always visible while the simulated pump is in use, so training is never mistaken for therapy. */
export function TrainingBanner(props: { title: string; detail?: string | undefined }) {
  return (
    <Alert
      data-testid="training-banner"
      type="warning"
      showIcon
      banner
      role="status"
      title={<strong>{props.title}</strong>}
      description={props.detail}
    />
  );
}
