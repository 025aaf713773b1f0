/**
 * Every text of the demo in Simplified Chinese. Paths (`/aaa`, `/bbb`), HTTP methods,
 * claim and field names (`exp`, `refresh_expires_in`) stay as they are written in code.
 */
import type { Messages } from './en.tsx';

const number = new Intl.NumberFormat('zh-CN');
const seconds = new Intl.NumberFormat('zh-CN', {
  style: 'unit',
  unit: 'second',
  unitDisplay: 'narrow',
});

export const zhCN: Messages = {
  app: {
    title: 'Seamless — 双 token 无感刷新演示',
    description: 'Seamless：双 token 认证，无感刷新，多个请求只刷新一次。',
    tagline: '短期访问令牌，轮换的刷新令牌，一次无感刷新',
    reading: '正在读取已保存的令牌…',
    language: '语言',
  },
  signIn: {
    sessionExpired: '会话已过期',
    title: '登录',
    intro:
      '服务器返回一个短期的访问令牌和一个会轮换的刷新令牌；客户端库在后台静默刷新它们，让你一直保持登录。',
    username: '用户名',
    password: '密码',
    logIn: '登录',
    register: '注册',
    hint: (
      <>
        演示账号：<code>guang</code> / <code>123456</code>。新账号的密码至少需要 8 个字符。
      </>
    ),
  },
  account: {
    signedInAs: (username) => <>已登录：{username}</>,
    signedIn: '已登录',
    user: (id) => `用户 #${id} · GET /user/me`,
    asking: '正在请求 GET /user/me…',
    logOut: '退出登录',
  },
  tryIt: {
    title: '试一试',
    intro: (
      <>
        <code>/aaa</code> 是公开接口，<code>/bbb</code>{' '}
        需要访问令牌。先让令牌失效，再同时发出几个请求：它们都会收到
        401，客户端只刷新一次，然后逐个重放。
      </>
    ),
    callAaa: '调用 /aaa',
    callBbb: '调用 /bbb',
    sendConcurrent: '发送 3 个并发请求',
    expireAccessToken: '使访问令牌失效',
    answers: '响应',
    noAnswers: '响应会显示在这里。',
  },
  tokens: {
    title: '令牌',
    accessToken: '访问令牌',
    accessNote: 'JWT 的 exp；快到期前自动刷新',
    refreshToken: '刷新令牌',
    refreshNote: 'refresh_expires_in；每次刷新都重新计时',
    unknown: '未知',
    parts: '头部 . 载荷 . 签名',
    spoiled: '签名已被破坏',
    username: '用户名',
    session: '会话',
    exp: 'exp',
  },
  sessions: {
    title: '会话',
    reload: '重新加载',
    loading: '正在加载 GET /user/sessions…',
    thisDevice: '本设备',
    unknownIp: '未知 IP',
    times: (ip, created, lastUsed) => `${ip} · 创建：${created} · 最近使用：${lastUsed}`,
    revoke: '撤销',
  },
  log: {
    counters: '计数',
    requestsSent: '已发送请求',
    refreshesDone: '已完成刷新',
    byOtherTabs: (count) => `另有 ${number.format(count)} 次来自其他标签页`,
    unauthorizedSeen: '收到的 401',
    title: '请求日志',
    clear: '清空',
    empty: '还没有发送任何请求。',
    pending: '等待中',
    failed: '失败',
    replay: '重放',
    client: '客户端',
    replayLegend: '刷新后重新发送',
    clientLegend: '客户端库发起的调用',
    unauthorizedLegend: '令牌被拒绝',
  },
  events: {
    items: (count) => `[${number.format(count)} 项]`,
    user: (username, id) => `${username}（用户 #${id}）`,
    newTokenPair: '新的令牌对',
    refreshTokenRejected: '刷新令牌被拒绝',
    signedIn: '已登录',
    signInRefused: '登录被拒绝',
    sessionRevoked: '会话已撤销',
    networkError: '网络错误',
    spoiled: '访问令牌已被破坏：签名被替换，服务器会拒绝它',
    otherTabRefreshed: '另一个标签页刷新了令牌；本标签页直接使用（source: other-tab）',
    otherTabSignedOut: '另一个标签页退出了登录；本标签页也随之退出',
    otherTabLostSession: '另一个标签页的会话已失效；本标签页也随之退出',
    refreshRefused: '刷新被拒绝：会话已结束；所有等待中的请求都被拒绝',
    refreshFailed: (reason) => `刷新失败（${reason}）；会话仍然保留`,
    network: '网络',
    sessionRestored: '已从 Cookie 恢复会话',
    noSessionToRestore: '没有可恢复的会话',
  },
  scriptView: {
    title: '页面中的脚本能看到什么',
    switchLabel: '刷新令牌存放在',
    cookie: 'httpOnly Cookie',
    localStorage: 'localStorage',
    switchNote: '切换会让你退出登录。',
    empty: '（空）',
    cookieNote: '刷新令牌在 httpOnly Cookie 中：任何脚本都读不到它。',
    storageNote: '页面中的任何脚本都能读到刷新令牌，并在别处使用它。',
    signedOut: '你切换了刷新令牌的存放位置。',
  },
  ended: {
    refreshRefused: '服务器拒绝了刷新令牌（已过期、已撤销或被重复使用）。请重新登录。',
    otherTabSignedOut: '你已在另一个标签页退出登录。',
    otherTabCleared: '另一个标签页清除了令牌。',
    ended: '会话已结束。',
    loggedOut: '你已退出登录。',
    revokedHere: '本设备的会话已被撤销。',
  },
  errors: {
    sessionExpired: '请求被拒绝：会话已过期',
    noAnswer: (message) => `没有响应：${message}`,
    invalidCredentials: '用户名或密码错误',
    tooManyAttempts: (retryAfter) =>
      retryAfter === undefined
        ? '尝试次数过多：请稍候再试'
        : `尝试次数过多：请等待 ${seconds.format(retryAfter)} 后再试`,
    unknown: '出错了',
  },
  time: {
    expired: '已过期',
    justNow: '刚刚',
  },
  device: {
    unknown: '未知设备',
    browserOn: (browser, system) => `${system} 上的 ${browser}`,
  },
};
