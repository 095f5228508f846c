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

## The course library (/courses)
nav-courses = コース
courses-title = コースライブラリ
courses-tenant = テナント: { $tenant }
courses-library = コース一覧
courses-empty = コースはまだありません。上のフォームからパッケージをアップロードしてください。
tenant-page-signin = テナントのページを見るにはサインインしてください。
tenant-page-forbidden = このアカウントではこのテナントのページを見ることはできません。
tenant-page-not-found = このアカウントから見えるページまたはテナントではありません。運用者と販売代理店管理者は ?tenant=テナント名 でテナントを指定します。
courses-back = コース一覧へ
col-course = コース
col-kind = 種類
col-latest-version = 最新版
col-version = 版
col-size = サイズ
col-files = ファイル数
col-uploaded = アップロード日時
col-registrations = 受講登録数
kind-scorm12 = SCORM 1.2
kind-scorm2004 = SCORM 2004
kind-cmi5 = cmi5
kind-xapi = xAPI (Tin Can)
kind-with-edition = { $kind }（{ $edition }）
edition-2nd = 第2版
edition-3rd = 第3版
edition-4th = 第4版
course-identifier = 識別子
course-package-id = パッケージ ID
course-versions = 版の一覧
course-structure = 構成
course-structure-of = 第 { $version } 版の構成です。
course-launchable = 起動可能
course-unit = 起動可能な単元
upload-title = パッケージのアップロード
upload-field = パッケージファイル（.zip または cmi5.xml）
upload-hint = 新しいパッケージ、または既存のパッケージの新しい版（同じコース識別子）をアップロードできます。
upload-button = アップロード
upload-noscript = このページからのアップロードには JavaScript が必要です。JavaScript なしでは API（POST /api/v1/packages）をお使いください。
js-upload-sending = アップロード中… { $percent } %
js-upload-importing = パッケージを検査して取り込んでいます…
js-upload-done = 「{ $title }」の第 { $version } 版を取り込みました。
js-upload-refused = パッケージは受け付けられませんでした（サーバーの応答: { $status }）。
js-upload-rule = 規則
js-upload-file = ファイル
js-upload-position = 位置
js-upload-line = { $line } 行 { $column } 列
js-upload-failed = アップロードがサーバーに届きませんでした。接続を確認して、もう一度お試しください。

## The learners page (/learners)
nav-learners = 受講者
learners-list = 受講者の一覧
learners-count = { $count } 人中 { $shown } 人を表示しています（エクスポートには全員が含まれます）。
learners-export = CSV でエクスポート
learners-import = CSV からインポート
learners-import-hint = 1 行目に列名を書きます: id, name, email, endClient（id と name は必須）。既にある id の行はその受講者を更新します。誤りのある行は報告され、その行の内容は保存されません。
learners-file = CSV ファイル（UTF-8）
learners-import-button = インポート
learners-noscript = このページからのインポートには JavaScript が必要です。JavaScript なしでは API（POST /api/v1/learners.csv）をお使いください。
col-email = メールアドレス
col-updated = 更新日時
js-csv-sending = インポートしています…
js-csv-done = { $created } 人を作成し、{ $updated } 人を更新しました。
js-csv-refused = { $n } 行を受け付けませんでした:
js-csv-row = 行
js-csv-id = ID
js-csv-why = 理由
js-csv-file-refused = ファイルは受け付けられませんでした（サーバーの応答: { $status }）。
js-csv-failed = ファイルがサーバーに届きませんでした。接続を確認して、もう一度お試しください。

## The credentials page (/credentials)
nav-credentials = 認証情報
credentials-title = LRS 認証情報
credentials-lead = レポートツールや LMS は、これを使ってテナントの LRS（{ $endpoint }）に HTTP Basic 認証（キーとシークレット）で接続します。admin スコープがあれば管理 API も使えます。
credentials-create = 認証情報の作成
credentials-label = ラベル（利用するシステム）
credentials-create-button = 作成
credentials-noscript = このページから認証情報を作成するには JavaScript が必要です。JavaScript なしでは API（POST /api/v1/credentials）をお使いください。
credentials-list = 認証情報の一覧
credentials-revoke = 無効にする
col-label = ラベル
col-key = キー
col-scopes = スコープ
col-created = 作成日時
scope-statements-write = ステートメントの書き込み
scope-statements-read = すべてのステートメントの読み取り
scope-statements-read-mine = 自分が書いたステートメントの読み取り
scope-all-read = すべての読み取り
scope-all = LRS のすべての読み書き
scope-state = State ドキュメント
scope-profile = Activity Profile・Agent Profile ドキュメント
scope-define = アクティビティ定義を保持する
scope-admin = テナント管理 API（パッケージ、受講者、起動）
js-cred-once = シークレットは今すぐ控えてください。表示はこの一度だけで、あとから読み出すことはできません。
js-cred-endpoint = エンドポイント
js-cred-key = キー
js-cred-secret = シークレット
js-cred-refused = 認証情報を作成できませんでした（サーバーの応答: { $status }）。
js-cred-confirm = 認証情報 { $key } を無効にしますか？ これを使っているシステムはすぐに接続できなくなります。
js-cred-revoked = 認証情報 { $key } を無効にしました。

## The settings page (/settings)
nav-settings = 設定
settings-title = テナントの設定
settings-saved = 設定を保存しました。
settings-strict = SCORM 1.2 の suspend_data を規格どおり 4,096 文字までにする
settings-strict-hint = オフの場合、SCORM 1.2 教材は 64,000 文字まで保存できます（多くの実際の教材が必要とします）。
settings-policy = 使用中の受講者 ID で 2 つ目のブラウザーが起動したとき
settings-policy-hint = 1 ID = 1 人: 利用規約では、受講者 ID は同時に 1 人だけが使えます。
policy-allow = 許可する（両方で受講）
policy-refuse = 1 つ目の使用中は拒否する
policy-end-first = 1 つ目のセッションを終了させる
settings-retention = ステートメントの保存日数（0: 無期限）
settings-retention-hint = これより古いステートメントは毎日削除されます。
settings-cmi5-timeout = cmi5 セッションを放棄とみなすまでの無操作時間（分、0: しない）
settings-cmi5-timeout-hint = 放棄されたセッションはその旨が記録され、その AU はもう一度起動できます。
settings-xapi = このテナントの LRS の xAPI バージョン: { $version }（テナント作成時に決まります）。
settings-save = 保存
settings-bad-number = 日数と分数は 0 以上の整数で入力してください。

## Launching a course from its page
launch-title = プレーヤーで開く
launch-hint = LMS からの起動と同じく、受講者は初回に作成され、最新版に受講登録されます。進捗はレポートに反映されます。
launch-learner = 受講者 ID
launch-name = 受講者の氏名
launch-button = プレーヤーで開く
js-upload-launch-refused = コースを開けませんでした:

## The audit log page (/audit)
nav-audit = 監査ログ
audit-title = 監査ログ
audit-since = 開始日（UTC）
audit-action = 操作の種類（先頭部分。例: learner. や package.imported）
audit-target = 対象に含まれる文字列
audit-filter = 表示
audit-limit = 新しい順に最大 { $n } 件を表示します。すべての記録は管理 API（GET /api/v1/audit）で順に取得できます。
audit-empty = 該当する記録はありません。
audit-bad-date = 日付の形式が正しくありません（YYYY-MM-DD）。
col-when = 日時
col-action = 操作
col-target = 対象
col-actor = 実行者
col-address = 接続元アドレス
col-detail = 詳細

## The end clients page (/end-clients)
nav-end-clients = エンドクライアント
end-clients-title = エンドクライアント
end-clients-list = エンドクライアントの一覧
end-clients-empty = エンドクライアントはまだありません。
end-clients-create = エンドクライアントの追加
end-clients-id = ID
end-clients-id-hint = 英数字・.・_・- の 1〜64 文字（API や CSV ファイルでエンドクライアントを指す名前です）。
end-clients-name = 名称
end-clients-create-button = 追加
end-clients-created = エンドクライアント { $id } を追加しました。

## The tenants page (/tenants)
nav-tenants = テナント
tenants-forbidden = テナントを管理できるのは運用者と販売代理店管理者だけです。
tenants-created = テナント { $name } を作成しました。管理者アカウントはアカウント API か kiroku account create で追加してください。
tenants-create = テナントの作成
tenants-name = 名前
tenants-name-hint = 英数字・.・_・- の 1〜64 文字。受講者の xAPI での識別に使われ、あとから変更できません。
tenants-xapi-version = バージョンを指定しないリクエストに使う xAPI バージョン
tenants-no-plan = プランなし（上限なし）
tenants-create-button = 作成
tenants-list = テナントの一覧
tenants-pages = ページ

## The notices page (/notices)
nav-notices = お知らせ
notices-title = お知らせ
notices-intro = サービスから貴社へのお知らせです。メンテナンスの事前告知、障害の発生と対応状況、その他のお知らせを掲載します。各お知らせは掲載した時点で効力を生じます。メールアドレスを登録した管理者にはメールでもお送りします。
notices-empty = お知らせはありません。
notices-kind-maintenance = メンテナンス
notices-kind-incident = 障害
notices-kind-general = お知らせ
notices-posted = 掲載 { $at }
notices-window = 期間：{ $start } 〜 { $end }
notices-open = 対応中
notices-resolved = 解決 { $at }
notices-updates = 経過
