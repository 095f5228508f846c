# kiroku のメッセージ（日本語）。en.ftl と同じ id をすべて持つこと（欠けるとテストが失敗する）。

app-name = kiroku
lang-label = 言語
lang-switch = 切り替え
lang-en = English
lang-ja = 日本語
skip-link = 本文へ移動
main-nav = メイン
nav-home = ホーム
nav-admin = 管理

## 書式（日時は UTC）
date-time = { $year }年{ $month }{ $day }日 { $hour }:{ $minute } UTC
month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月
duration-days = { $n }日
duration-hours = { $n }時間
duration-minutes = { $n }分
duration-seconds = { $n }秒
duration-join = { $a }{ $b }

## アプリのトップページ
home-title = kiroku へようこそ
home-lead = コース、受講者、学習記録をひとつの場所で。SCORM・xAPI・cmi5 パッケージ、学習記録ストア（LRS）、進捗レポート。
home-signin = サインイン
home-signin-lead = 管理者・コンテンツ作成者・運用者はこちらからサインインします。
home-xapi = LMS やレポートツールは { $url } で学習記録ストアに接続します。
home-setup-pending = このサービスにはまだ運用者アカウントがありません。kiroku serve の起動時に表示された一回限りのセットアップリンクを開いてください。

## コンテンツ用アドレスのトップ
content-title = kiroku コンテンツ用アドレス
content-body = このアドレスは、kiroku が発行する起動リンクを通じて受講者のブラウザーにコース教材を配信します。ここに表示する内容はありません。kiroku はアプリ用のアドレスで開いてください。

## 初回セットアップ
setup-title = kiroku のセットアップ
setup-lead = 最初の運用者アカウントを作成します。運用者はサービス全体（テナント、プラン、販売代理店とそのアカウント）を管理します。
setup-expires = このリンクは { $time } まで一度だけ使えます（残り { $duration }）。
setup-login = ログイン ID
setup-login-hint = 3〜128 文字の英字・数字・「.」「_」「-」「@」「+」。
setup-password = パスワード
setup-password-hint = { $n } 文字以上で、ログイン ID と異なるもの。
setup-password-again = パスワード（確認）
setup-submit = 運用者アカウントを作成
setup-link-invalid = このセットアップリンクは期限切れか、すでに使用されています。新しいリンクを得るには kiroku serve を再起動してください。
setup-not-needed = このサービスにはすでに運用者アカウントがあるため、セットアップリンクは使えません。サインインしてください。
setup-mismatch = 2 つのパスワードが一致しません。
setup-login-invalid = ログイン ID は 3〜128 文字の英字・数字・「.」「_」「-」「@」「+」です。
setup-password-short = パスワードは { $n } 文字以上必要です。
setup-password-long = パスワードは { $n } 文字までです。
setup-password-is-login = パスワードにログイン ID は使えません。
setup-login-taken = そのログイン ID はすでに使われています。
setup-done = 運用者アカウント { $login } を作成しました。このアカウントでサインインしてください。
error-title = kiroku
error-back = トップページへ戻る
error-form = フォームの入力が不完全です。戻ってもう一度お試しください。
error-csrf = このページは古くなっています。再読み込みしてもう一度お試しください。

## 管理ページ
admin-title = kiroku 管理
signin-title = サインイン
field-login = ログイン ID
field-password = パスワード
signin-button = サインイン
account-title = サインイン中
who-role = 役割
who-tenant = テナント
who-end-client = エンドクライアント
signout = サインアウト
tenants-title = テナント
col-tenant = テナント
col-status = 状態
col-plan = プラン
col-reseller = 販売代理店
col-actions = 操作
tenants-empty = テナントはまだありません。
current-tenant = テナント：
learners-title = 受講者
col-id = ID
col-name = 氏名
col-end-client = エンドクライアント
learners-empty = 受講者はまだいません。
report-title = 進捗
col-learner = 受講者
col-package = パッケージ
col-completed = 修了
col-items = 項目（完了状況／合否）
report-empty = 受講登録はまだありません。
no-tenant = 上のテナントを開くと、その受講者と進捗が表示されます。
password-title = パスワードの変更
current-password = 現在のパスワード
new-password = 新しいパスワード（{ $n } 文字以上）
password-button = パスワードを変更

## 管理ページのスクリプト
js-open = 開く
js-suspend = 停止
js-resume = 再開
js-yes = はい
js-no = いいえ
js-none = —
js-package-version = { $package }（バージョン { $version }）
js-signed-out = サインアウトしました。
js-password-changed = パスワードを変更しました。このアカウントの他のセッションは終了しました。
js-server-answered = サーバーの応答: { $status }
js-retry-after = （{ $secs } 秒後にもう一度お試しください）
js-wrong-login = ログイン ID またはパスワードが違います
js-locked = サインインの失敗が続いたため、このアカウントはロックされています。しばらくしてからお試しください。
js-throttled = このアドレスからのサインインの失敗が多すぎます。しばらくしてからお試しください。
js-current-password-wrong = 現在のパスワードが違います。
js-tenant-suspended = このテナントは停止中です。データは保持されていますが、再開されるまで利用できません。
js-tenant-terminated = このテナントの契約は終了しています。
js-rate-limited = このテナントのプランのリクエスト数の上限に達しました。しばらくしてからお試しください。
js-password-rule = 新しいパスワードは { $n } 文字以上で、ログイン ID と異なるものにしてください。
js-session-ended = セッションが終了しました。もう一度サインインしてください。
js-setup-done = 運用者アカウントを作成しました。このアカウントでサインインしてください。
js-role-operator = 運用者
js-role-reseller-admin = 販売代理店管理者
js-role-tenant-admin = テナント管理者
js-role-end-client-admin = エンドクライアント管理者
js-status-active = 有効
js-status-suspended = 停止中
js-status-terminated = 終了
js-completion-completed = 完了
js-completion-incomplete = 未完了
js-completion-not-attempted = 未着手
js-completion-unknown = 不明
js-success-passed = 合格
js-success-failed = 不合格
js-success-unknown = 不明
