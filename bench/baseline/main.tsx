// The benchmark baseline: the smallest page made of the same parts as the app's first screen
// (React, Ant Design with its zh-CN locale) and nothing of the app.
import { Button, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <ConfigProvider locale={zhCN}>
      <Button id="ready" type="primary">
        OK
      </Button>
    </ConfigProvider>,
  );
}
