"""Every on-screen string of the window in English and Korean, looked up by key."""

from __future__ import annotations

from visualizer.i18n_audit import AUDIT_STRINGS
from visualizer.i18n_shards import SHARD_STRINGS
from visualizer.i18n_queue import QUEUE_STRINGS
from visualizer.i18n_groups import GROUP_STRINGS
from visualizer.i18n_sites import SITE_STRINGS
from visualizer.sim import registry

STRINGS: dict[str, dict[str, str]] = {
    # statuses and badges
    "status.up": {"en": "up", "ko": "정상"},
    "status.down": {"en": "DOWN", "ko": "다운"},
    "status.booting": {"en": "BOOTING", "ko": "부팅 중"},
    "status.catching_up": {"en": "CATCHING UP", "ko": "따라잡는 중"},
    "status.removed": {"en": "REMOVED", "ko": "제거됨"},
    "badge.undetected": {"en": "LB still thinks it's up", "ko": "LB는 아직 정상으로 알고 있음"},
    "badge.detected_down": {"en": "LB stopped sending", "ko": "LB가 제외함"},
    "badge.promoted": {"en": "PROMOTED to primary", "ko": "주 DB로 승격됨"},
    "badge.public": {"en": "public", "ko": "공개"},
    "badge.private": {"en": "private", "ko": "사설"},
    "lag": {"en": "lag {ms} ms", "ko": "지연 {ms} ms"},
    "pending": {"en": "{n} writes behind", "ko": "쓰기 {n}건 밀림"},
    "pending.short": {"en": "{n} behind", "ko": "{n}건 밀림"},
    "tag.primary": {"en": "PRIMARY", "ko": "주 DB"},
    "tag.former_primary": {"en": "FORMER PRIMARY", "ko": "이전 주 DB"},
    "tag.replica": {"en": "REPLICA", "ko": "부 DB"},
    "tier": {"en": "size: {tier} · {n} workers", "ko": "사양: {tier} · 워커 {n}"},
    # inspector lines
    "insp.tier": {"en": "Machine size", "ko": "서버 사양"},
    "dns.points": {"en": "answers with {target}'s IP", "ko": "{target}의 IP를 알려 줌"},
    "insp.state": {"en": "State", "ko": "상태"},
    "insp.ip": {"en": "IP address", "ko": "IP 주소"},
    "insp.workers": {"en": "Workers busy", "ko": "작업 중 워커"},
    "insp.queue": {"en": "Waiting", "ko": "대기 중"},
    "insp.counts": {"en": "Arrived / done / dropped", "ko": "도착 / 완료 / 버림"},
    "insp.lb_view": {"en": "Load balancer sees", "ko": "로드밸런서 판단"},
    "insp.seen_up": {"en": "healthy", "ko": "정상"},
    "insp.seen_down": {"en": "unhealthy", "ko": "비정상"},
    "insp.hint": {"en": "Click: fail / recover    Right-click: more",
                  "ko": "클릭: 장애 / 복구    오른쪽 클릭: 더 보기"},
    # request card
    "req.title": {"en": "Request #{id}", "ko": "요청 #{id}"},
    "req.read": {"en": "read", "ko": "읽기"},
    "req.write": {"en": "write", "ko": "쓰기"},
    "req.gone": {"en": "This request has finished and left the system.", "ko": "이 요청은 이미 끝나서 사라졌습니다."},
    # failure reasons
    "reason.timeout": {"en": "timed out", "ko": "시간 초과"},
    "reason.queue_full": {"en": "queue full", "ko": "대기열 가득"},
    "reason.node_down": {"en": "server down", "ko": "서버 다운"},
    "reason.no_backend": {"en": "no healthy server", "ko": "정상 서버 없음"},
    "reason.dns": {"en": "DNS failed", "ko": "DNS 실패"},
    "reason.no_primary": {"en": "no primary DB", "ko": "주 DB 없음"},
    "reason.no_session_store": {"en": "session store down", "ko": "세션 저장소 다운"},
    # metrics panel
    "m.title": {"en": "Last minute", "ko": "최근 1분"},
    "m.throughput": {"en": "Throughput, last 5 s", "ko": "처리량 (최근 5초)"},
    "m.errors": {"en": "Error rate, last 5 s", "ko": "오류율 (최근 5초)"},
    "m.latency": {"en": "Latency", "ko": "응답 시간"},
    "m.p95": {"en": "Latency p95", "ko": "응답 시간 p95"},
    "cmp.avail": {"en": "avail.", "ko": "가용성"},
    "cmp.errors": {"en": "errors", "ko": "오류"},
    "cmp.done": {"en": "done", "ko": "처리"},
    "m.latency_pct": {"en": "Latency p50/p95/p99, last 5 s", "ko": "응답 시간 p50/p95/p99 (최근 5초)"},
    "m.hit_ratio": {"en": "Hit ratio, last 5 s", "ko": "적중률 (최근 5초)"},
    "m.availability": {"en": "Answered, total", "ko": "응답 성공률 (누적)"},
    "m.stale": {"en": "Stale reads, total", "ko": "오래된 읽기 (누적)"},
    "m.lost": {"en": "Lost writes", "ko": "유실된 쓰기"},
    "m.cost": {"en": "Cost / hour", "ko": "시간당 비용"},
    "m.inflight": {"en": "In flight, now", "ko": "처리 중 (현재)"},
    "m.rate": {"en": "Arrival rate", "ko": "유입량"},
    "unit.rps": {"en": "req/s", "ko": "건/초"},
    # top bar and sliders
    "paused": {"en": "PAUSED", "ko": "일시정지"},
    "speed": {"en": "Speed", "ko": "속도"},
    "rate": {"en": "Requests/s", "ko": "초당 요청"},
    "help.hint": {"en": "H: help", "ko": "H: 도움말"},
    "legend.read": {"en": "read", "ko": "읽기"},
    "legend.write": {"en": "write", "ko": "쓰기"},
    "legend.failed": {"en": "failed", "ko": "실패"},
    "legend.done": {"en": "answered", "ko": "응답 완료"},
    # context menu (command names)
    "cmd.Fail": {"en": "Fail {node}", "ko": "{node} 장애 내기"},
    "cmd.Recover": {"en": "Recover {node}", "ko": "{node} 복구"},
    "cmd.Upgrade": {"en": "Upgrade {node} (bigger machine)", "ko": "{node} 사양 올리기"},
    "cmd.AddServer": {"en": "Add a web server behind {lb}", "ko": "{lb} 뒤에 웹 서버 추가"},
    "cmd.RemoveServer": {"en": "Remove {node}", "ko": "{node} 제거"},
    "cmd.Promote": {"en": "Promote {node} to primary", "ko": "{node}를 주 DB로 승격"},
    "cmd.RecoverData": {"en": "Run the data recovery step", "ko": "데이터 복구 실행"},
    "cmd.SetAlgorithm": {"en": "Balance by: {algorithm}", "ko": "분산 방식: {algorithm}"},
    "cmd.SetRate": {"en": "Set rate to {rate:g}/s", "ko": "유입량 {rate:g}/초로"},
    "cmd.Flush": {"en": "Empty {node} (flush)", "ko": "{node} 비우기 (flush)"},
    "cmd.Purge": {"en": "Purge {node} (every file fetched again)", "ko": "{node} 퍼지 (모든 파일 다시 가져오기)"},
    "cmd.SetTtl": {"en": "Set {node}'s TTL to {seconds:g} s", "ko": "{node} TTL을 {seconds:g}초로"},
    "cmd.SetOnWrite": {"en": "{node}: on a write, {on_write}", "ko": "{node}: 쓰기가 오면 {on_write}"},
    "cmd.ShareSessions": {"en": "Move every session to the session store", "ko": "모든 세션을 세션 저장소로 옮기기"},
    "cmd.AddCache": {"en": "Add an empty cache set up like {node}", "ko": "빈 캐시 추가 (설정은 {node} 그대로)"},
    "cmd.AddWorker": {"en": "Add a worker to {node}", "ko": "{node}에 워커 추가"},
    "cmd.RemoveWorker": {"en": "Take a worker away from {node}", "ko": "{node}에서 워커 하나 빼기"},
    "cmd.AddNode": {"en": "New {kind} here", "ko": "여기에 {kind} 추가"},
    "cmd.RemoveNode": {"en": "Delete {node} from the design", "ko": "설계에서 {node} 삭제"},
    "cmd.AddLink": {"en": "Link {src} to {dst}", "ko": "{src}에서 {dst}로 연결"},
    "cmd.RemoveLink": {"en": "Remove the link {src} -> {dst}", "ko": "{src} -> {dst} 연결 삭제"},
    "cmd.SplitDatabase": {"en": "Move the database off {node}", "ko": "{node}에서 데이터베이스 분리"},
    "cmd.BalancerInFront": {"en": "Put a load balancer in front of {node}", "ko": "{node} 앞에 로드밸런서 두기"},
    "cmd.AddReplica": {"en": "Add a replica to {node}", "ko": "{node}에 복제본 추가"},
    "cmd.CacheBetween": {"en": "Add a cache between the web tier and {node}", "ko": "웹 계층과 {node} 사이에 캐시 추가"},
    "cmd.CdnInFront": {"en": "Add a CDN in front of the users ({node} as origin)", "ko": "사용자 앞에 CDN 추가 (원본: {node})"},
    "reason.removed": {"en": "node deleted", "ko": "노드 삭제됨"},
    "cmd.FailSite": {"en": "Take the whole {node} site down", "ko": "{node} 데이터센터 전체 장애 내기"},
    "cmd.RecoverSite": {"en": "Bring the {node} site back", "ko": "{node} 데이터센터 복구"},
    "menu.current": {"en": "● {label} (now)", "ko": "● {label} (현재)"},
    "menu.none": {"en": "Nothing to do here", "ko": "할 수 있는 작업 없음"},
    "menu.top_tier": {"en": "No upgrade: {tier} is the largest machine there is",
                      "ko": "사양 올리기 불가: {tier}보다 큰 서버는 없습니다"},
    # toasts
    "toast.lang": {"en": "Language: English", "ko": "언어: 한국어"},
    "toast.restart": {"en": "Restarted with the same seed", "ko": "같은 시드로 다시 시작"},
    "toast.rejected": {"en": "Not possible: {why}", "ko": "할 수 없음: {why}"},
    "toast.speed": {"en": "Speed ×{x}", "ko": "속도 ×{x}"},
    "toast.projector": {"en": "Projector mode", "ko": "프로젝터 모드"},
    "toast.motion_off": {"en": "Reduced motion: on", "ko": "움직임 줄이기: 켬"},
    "toast.motion_on": {"en": "Reduced motion: off", "ko": "움직임 줄이기: 끔"},
    # help overlay
    "help.title": {"en": "Keys and mouse", "ko": "키와 마우스"},
    "help.close": {"en": "Esc or H closes this", "ko": "Esc나 H로 닫기"},
    "key.pause": {"en": "Pause / resume", "ko": "일시정지 / 계속"},
    "key.step": {"en": "One step while paused", "ko": "멈춘 상태에서 한 단계"},
    "key.faster": {"en": "Faster simulation", "ko": "시뮬레이션 빠르게"},
    "key.slower": {"en": "Slower simulation", "ko": "시뮬레이션 느리게"},
    "key.restart": {"en": "Restart with the same seed", "ko": "같은 시드로 다시 시작"},
    "key.lang": {"en": "Korean / English", "ko": "한국어 / 영어"},
    "key.fullscreen": {"en": "Fullscreen projector mode", "ko": "전체 화면 프로젝터 모드"},
    "key.help": {"en": "This help", "ko": "이 도움말"},
    "key.focus": {"en": "Move the keyboard focus from node to node", "ko": "키보드 초점을 다음 / 이전 노드로"},
    "key.focus_act": {"en": "On the focused node: fail it, or recover it", "ko": "초점이 있는 노드: 장애 내기 / 복구"},
    "key.focus_menu": {"en": "The focused node's actions menu (Esc: drop the focus)",
                       "ko": "초점이 있는 노드의 작업 메뉴 (Esc: 초점 해제)"},
    "key.menu_keys": {"en": "In a menu: pick an action, run it", "ko": "메뉴 안에서: 작업 고르기, 실행"},
    "key.undo": {"en": "Undo the last thing you did (back to the moment before it) / redo it", "ko": "마지막 작업 취소 (그 직전으로) / 다시 하기"},
    "key.redo": {"en": "Redo what you undid", "ko": "취소한 작업 다시 하기"},
    "key.save": {"en": "Save this design as a scenario file / open a saved one", "ko": "이 설계를 시나리오 파일로 저장 / 저장한 설계 열기"},
    "key.open": {"en": "Open a saved design", "ko": "저장한 설계 열기"},
    "key.link": {"en": "Shift+drag from node to node: draw a link; right-click empty space: add a node",
                 "ko": "Shift+드래그: 노드 연결, 빈 곳 우클릭: 노드 추가"},
    "build.title": {"en": "Add to the design", "ko": "설계에 추가"},
    "build.open": {"en": "Open a saved design", "ko": "저장한 설계 열기"},
    "cmd.OpenFile": {"en": "Open {path}", "ko": "{path} 열기"},
    "toast.saved": {"en": "Saved to {path}", "ko": "{path}에 저장함"},
    "toast.undone": {"en": "Undone: {what}", "ko": "취소함: {what}"},
    "toast.redone": {"en": "Redone: {what}", "ko": "다시 함: {what}"},
    "toast.no_undo": {"en": "Nothing to undo", "ko": "취소할 작업 없음"},
    "toast.no_redo": {"en": "Nothing to redo", "ko": "다시 할 작업 없음"},
    "toast.no_designs": {"en": "No saved designs in {path} yet (Ctrl+S saves one)", "ko": "{path}에 저장한 설계가 없음 (Ctrl+S로 저장)"},
    "key.motion": {"en": "Reduce motion: nothing falls, pulses or glows", "ko": "움직임 줄이기: 떨어지거나 깜박이는 효과 없음"},
    "key.close": {"en": "Close menus and cards", "ko": "메뉴와 카드 닫기"},
    "key.quit": {"en": "Quit", "ko": "끝내기"},
    "mouse.left": {"en": "Left-click a server: fail it; again: recover", "ko": "서버 왼쪽 클릭: 장애, 다시 클릭: 복구"},
    "mouse.right": {"en": "Right-click a node: its actions", "ko": "노드 오른쪽 클릭: 가능한 작업"},
    "mouse.hover": {"en": "Hover a node: what it is and its numbers", "ko": "노드 위에 올리기: 설명과 수치"},
    "mouse.dot": {"en": "Click a moving dot: that request's path", "ko": "움직이는 점 클릭: 그 요청의 경로"},
    "mouse.slider": {"en": "Drag the sliders: speed and request rate", "ko": "슬라이더 끌기: 속도와 요청량"},
    # kind-specific facts in the inspector (NodeView.extra)
    "extra.applied": {"en": "writes applied", "ko": "반영한 쓰기"},
    "extra.role": {"en": "role", "ko": "역할"},
    "predict.ask": {"en": "Your guess: press 1-{n} (Next shows the answer)", "ko": "예상해 보세요: 1-{n} 키 (다음 키는 답 보기)"},
    "predict.watch": {"en": "Now watch the model...", "ko": "이제 모델을 지켜보세요..."},
    "predict.do": {"en": "Now do what the caption asks, and watch", "ko": "이제 자막대로 해 보고 지켜보세요"},
    "extra.lost_writes": {"en": "lost writes", "ko": "유실된 쓰기"},
    "extra.algorithm": {"en": "algorithm", "ko": "분산 방식"},
    "extra.backends": {"en": "servers behind it", "ko": "뒤의 서버"},
    "extra.in_rotation": {"en": "receiving traffic", "ko": "트래픽 받는 서버"},
    "extra.ttl_s": {"en": "cache time (s)", "ko": "캐시 시간(초)"},
    "extra.origin": {"en": "fetches misses from", "ko": "놓친 파일을 가져오는 곳"},
    "extra.points_to": {"en": "answers with", "ko": "알려 주는 곳"},
    "extra.rate": {"en": "requests per second", "ko": "초당 요청"},
    "extra.up_share": {"en": "some server up (since start)", "ko": "서버가 살아 있던 시간 (시작부터)"},
    "extra.hit_ratio": {"en": "hit ratio, last 5 s", "ko": "적중률 (최근 5초)"},
    "extra.hit_ratio_total": {"en": "hit ratio, since start", "ko": "적중률 (시작부터)"},
    "extra.fill": {"en": "held / room", "ko": "보관 / 용량"},
    "extra.eviction": {"en": "when full, drops", "ko": "가득 차면 버리는 것"},
    "extra.on_write": {"en": "on a write", "ko": "쓰기가 오면"},
    "extra.stale_hits": {"en": "stale hits (since start)", "ko": "옛 값 적중 (시작부터)"},
    "extra.sessions": {"en": "users logged in here", "ko": "여기 로그인한 사용자"},
    "extra.sessions_kept": {"en": "sessions kept", "ko": "세션 보관 위치"},
    "extra.sticky_users": {"en": "users tied to a server", "ko": "서버에 묶인 사용자"},
    "extra.sticky_map": {"en": "users per server", "ko": "서버별 사용자"},
    "val.local": {"en": "in this server's memory", "ko": "이 서버의 메모리"},
    "val.shared": {"en": "in the session store", "ko": "세션 저장소"},
    "sessions.line": {"en": "sessions {n}", "ko": "세션 {n}"},
    "val.lru": {"en": "least recently used", "ko": "가장 오래 안 쓴 것"},
    "val.lfu": {"en": "least often used", "ko": "가장 덜 쓴 것"},
    "val.fifo": {"en": "first stored", "ko": "가장 먼저 넣은 것"},
    "val.invalidate": {"en": "drop the key", "ko": "키를 지움"},
    "val.update": {"en": "store the new value", "ko": "새 값을 저장"},
    "val.none": {"en": "nothing (old value stays)", "ko": "그대로 (옛 값이 남음)"},
    "val.never": {"en": "never expires", "ko": "만료 없음"},
    "role.primary": {"en": "primary (takes writes)", "ko": "주 서버 (쓰기 담당)"},
    "role.replica": {"en": "replica (serves reads)", "ko": "부 서버 (읽기 담당)"},
    "role.former_primary": {"en": "former primary", "ko": "이전 주 서버"},
    # the request card (sim.request_info keys and values)
    "req.age_ms": {"en": "age (ms)", "ko": "경과 (ms)"},
    "req.client_ip": {"en": "user's IP", "ko": "사용자 IP"},
    "req.created": {"en": "sent at (s)", "ko": "보낸 시각 (초)"},
    "req.deadline": {"en": "gives up at (s)", "ko": "포기 시각 (초)"},
    "req.direction": {"en": "direction", "ko": "방향"},
    "req.key": {"en": "data key", "ko": "데이터 키"},
    "req.kind": {"en": "kind", "ko": "종류"},
    "req.outcome": {"en": "outcome", "ko": "결과"},
    "req.path": {"en": "path (node, time)", "ko": "경로 (노드, 시각)"},
    "req.phase": {"en": "now", "ko": "지금"},
    "req.reason": {"en": "why it failed", "ko": "실패 이유"},
    "req.retries": {"en": "retries", "ko": "재시도"},
    "req.stale": {"en": "stale read", "ko": "오래된 읽기"},
    "req.status": {"en": "status", "ko": "상태"},
    "req.user": {"en": "user", "ko": "사용자"},
    "req.where": {"en": "where", "ko": "위치"},
    "req.latency_ms": {"en": "latency (ms)", "ko": "응답 시간 (ms)"},
    "val.read": {"en": "read", "ko": "읽기"},
    "val.write": {"en": "write", "ko": "쓰기"},
    "val.forward": {"en": "on the way in", "ko": "가는 중"},
    "val.back": {"en": "on the way back", "ko": "돌아오는 중"},
    "val.on_link": {"en": "on a link", "ko": "링크 위"},
    "val.queued": {"en": "waiting in a queue", "ko": "대기열에서 기다림"},
    "val.in_service": {"en": "being served", "ko": "처리 중"},
    "val.in_flight": {"en": "in flight", "ko": "진행 중"},
    "val.completed": {"en": "completed", "ko": "완료"},
    "val.failed": {"en": "failed", "ko": "실패"},
    "val.True": {"en": "yes", "ko": "예"},
    "val.False": {"en": "no", "ko": "아니오"},
    # lessons: theory panel, summary card, your-turn tab (visualizer/ui/lesson_panels.py)
    "lesson.summary": {"en": "Summary", "ko": "정리"},
    "lesson.question": {"en": "Think about it", "ko": "생각해 볼 질문"},
    "lesson.summary_keys": {"en": "M: lessons · Home: play again · PgUp: back", "ko": "M: 수업 목록 · Home: 처음부터 · PgUp: 이전"},
    "lesson.your_turn": {"en": "Your turn: do it, or press → and it is done for you", "ko": "직접 해 보세요. →를 누르면 대신 해 줍니다"},
    "theory.availability": {"en": "Availability of n servers, each up a = {a}", "ko": "서버 n대의 가용성 (한 대는 a = {a})"},
    "theory.avail_formula": {"en": "1 - (1 - a)ⁿ:  {rows}", "ko": "1 - (1 - a)ⁿ:  {rows}"},
    "theory.avail_now": {"en": "this design, n = {n} behind {lb}: {p} of the time", "ko": "이 설계는 {lb} 뒤에 n = {n}: 전체 시간의 {p}"},
    "theory.measured_avail": {"en": "measured since the start: some server up {p} of the time",
                              "ko": "처음부터 측정: 서버가 하나라도 살아 있던 시간 {p}"},
    "theory.utilization": {"en": "Utilization ρ = λ / (c·μ)", "ko": "이용률 ρ = λ / (c·μ)"},
    "theory.util_node": {"en": "{node}: c = {c} workers, each μ = {mu:.0f}/s", "ko": "{node}: 워커 c = {c}, 워커당 μ = {mu:.0f}/s"},
    "theory.util_now": {"en": "arriving now λ = {lam:.0f}/s, so ρ = {rho:.2f}", "ko": "지금 들어오는 λ = {lam:.0f}/s, 즉 ρ = {rho:.2f}"},
    "theory.util_formula": {"en": "last 5 s: λ = {lam:.0f}/s, so ρ = {rho:.2f}",
                            "ko": "최근 5초: λ = {lam:.0f}/s, 즉 ρ = {rho:.2f}"},
    "theory.mmc": {"en": "mean time in {node}: M/M/c predicts {w}, measured {m}",
                   "ko": "{node} 안에서 머문 평균 시간: M/M/c 예측 {w}, 측정 {m}"},
    "theory.backlog": {"en": "(these 5 s include draining {n} queued before: measured runs higher)", "ko": "(이 5초에는 이전에 쌓인 {n}건 처리가 섞여 측정값이 더 큽니다)"},
    "theory.overload": {"en": "ρ ≥ 1: the queue grows without bound", "ko": "ρ ≥ 1: 대기열이 끝없이 늘어납니다"},
    "theory.replication": {"en": "Writes a replica is missing", "ko": "부 서버에 아직 없는 쓰기"},
    "theory.repl_formula": {"en": "predicted: write rate (last 5 s) × lag = {w:.0f}/s × {lag:.0f} ms ≈ {n:.1f}",
                            "ko": "예측: 쓰기 속도(최근 5초) × 지연 = {w:.0f}/s × {lag:.0f} ms ≈ {n:.1f}"},
    "theory.repl_measured": {"en": "measured now: {pending} behind on the furthest replica",
                             "ko": "지금 측정: 가장 뒤처진 부 서버가 {pending}건 밀림"},
    "theory.repl_since": {"en": "since the start: stale reads {stale} · lost writes not yet restored {lost}",
                          "ko": "처음부터: 오래된 읽기 {stale} · 아직 복구 안 된 유실 쓰기 {lost}"},
    # the cache and CDN cards (visualizer/ui/cache_cards.py)
    "theory.cache": {"en": "Cache: hit ratio h and database reads", "ko": "캐시: 적중률 h와 DB 읽기"},
    "theory.no_cache": {"en": "This design has no cache.", "ko": "이 설계에는 캐시가 없습니다."},
    "theory.che": {"en": "Che, LRU of {c} of {n} keys, α = {a}: h ≈ {h}",
                   "ko": "체 근사, 키 {n}개 중 {c}개 LRU, α = {a}: h ≈ {h}"},
    "theory.che_sum": {"en": "C: {ids} together (each holds its share of keys)",
                       "ko": "C: {ids} 합계 (키를 나눠 맡음)"},
    "theory.che_writes": {"en": "the estimate counts writes ({w}) dropping keys",
                          "ko": "쓰기({w})가 키를 지우는 것까지 반영한 추정"},
    "theory.hits_measured": {"en": "measured h, last 5 s: {h} ({hits} hit/s, {misses} miss/s)",
                             "ko": "측정 h (최근 5초): {h} (적중 {hits}/s, 미스 {misses}/s)"},
    "theory.not_lru": {"en": "{id} evicts by {policy}: the estimate is for LRU",
                       "ko": "{id}는 {policy} 방식으로 비움: 추정은 LRU 기준"},
    "theory.short_ttl": {"en": "TTL {ttl} s < the {stay} s a key stays under LRU: h runs lower",
                         "ko": "TTL {ttl}초 < LRU에서 키가 머무는 {stay}초: h가 더 낮음"},
    "theory.filling": {"en": "{id} holds {held} of {cap} keys: still filling, h runs lower",
                       "ko": "{id}에 키 {held}/{cap}개: 아직 채우는 중이라 h가 낮음"},
    "theory.db_reads": {"en": "DB reads: (1 - h)·λ = (1 - {h}) × {lam}/s = {p}/s",
                        "ko": "DB 읽기: (1 - h)·λ = (1 - {h}) × {lam}/s = {p}/s"},
    "theory.db_reads_m": {"en": "measured, sent to the DBs: {m}/s  (λ: reads sent; all last 5 s)",
                          "ko": "측정, DB로 간 읽기: {m}/s  (λ: 보낸 읽기, 모두 최근 5초)"},
    "theory.cache_down": {"en": "{ids} down: its reads go straight to the DB",
                          "ko": "{ids} 다운: 그 읽기는 곧장 DB로"},
    "theory.miss_factor": {"en": "DB reads × 1/(1 - h) = ×{f}  (h before: {h})",
                           "ko": "DB 읽기 × 1/(1 - h) = ×{f}  (장애 전 h: {h})"},
    "theory.db_rise": {"en": "expected: from (1 - h)·λ = {before}/s to λ = {lam}/s",
                       "ko": "예상: (1 - h)·λ = {before}/s에서 λ = {lam}/s로"},
    "theory.cache_booting": {"en": "{ids} booting: its keys' reads go to the DB meanwhile",
                             "ko": "{ids} 부팅 중: 그동안 그 키의 읽기는 DB로"},
    "theory.span_back": {"en": "(the cache came back {s} s ago: these 5 s mix down and up)",
                         "ko": "(캐시가 {s}초 전에 돌아옴: 이 5초에는 다운과 정상이 섞임)"},
    "theory.db_measured": {"en": "measured, reads sent to the DBs, last 5 s: {m}/s",
                           "ko": "측정, DB로 간 읽기 (최근 5초): {m}/s"},
    "theory.span_mixed": {"en": "(it failed {s} s ago: these 5 s still hold time it was up)",
                          "ko": "({s}초 전 장애: 이 5초에는 살아 있던 때가 섞임)"},
    "theory.stale_ttl": {"en": "{id} keeps old values on writes: ≤ TTL {ttl} s",
                         "ko": "{id}는 쓰기에도 옛 값 유지: 최대 TTL {ttl}초"},
    "theory.stale_forever": {"en": "{id} keeps old values on writes, no TTL: for ever",
                             "ko": "{id}는 쓰기에도 옛 값 유지, TTL 없음: 무기한"},
    "theory.stale_oldest": {"en": "oldest stale value served: stored {age} s before",
                            "ko": "응답한 가장 오래된 옛 값: 저장 후 {age}초"},
    "theory.cdn": {"en": "CDN: answered at the edge or at the origin", "ko": "CDN: 엣지에서 응답하거나 원본까지"},
    "theory.no_cdn": {"en": "This design has no CDN edge.", "ko": "이 설계에는 CDN 엣지가 없습니다."},
    "theory.round_trips": {"en": "round trip: a hit at {id} {edge} ms · a miss via the origin {origin} ms",
                           "ko": "왕복: {id} 적중 {edge} ms · 원본 경유 미스 {origin} ms"},
    "theory.cdn_hits": {"en": "measured, last {s} s: h = {h} of {n} static requests",
                        "ko": "측정 (최근 {s}초): 정적 요청 {n}건 중 h = {h}"},
    "theory.cdn_expect": {"en": "mean: h·edge + (1 - h)·origin = {ms} ms · measured {m} ms",
                          "ko": "평균: h·엣지 + (1 - h)·원본 = {ms} ms · 측정 {m} ms"},
    "theory.cdn_measured": {"en": "measured mean latency of those requests: {ms} ms",
                            "ko": "그 요청들의 측정 평균 응답 시간: {ms} ms"},
    "theory.span_back_edge": {"en": "(the edge came back {s} s ago: these seconds mix down and up)",
                              "ko": "(엣지가 {s}초 전에 돌아옴: 이 구간에는 다운과 정상이 섞임)"},
    "theory.edge_down": {"en": "{id} down: users wait {wait} ms, then go to the origin ({ms} ms)",
                         "ko": "{id} 다운: {wait} ms 기다린 뒤 원본으로 직접 ({ms} ms)"},
    "theory.cdn_expect_down": {"en": "mean: wait + direct trip = {ms} ms · measured {m} ms",
                               "ko": "평균: 대기 + 원본 직접 왕복 = {ms} ms · 측정 {m} ms"},
    "theory.origin_load": {"en": "origin: (1 - h)·λ static = {p}/s · measured at {id}: {m}/s",
                           "ko": "원본: (1 - h)·λ 정적 = {p}/s · {id}에서 측정: {m}/s"},
    # lessons: keys, menu, mouse help (visualizer/ui/lesson_controls.py)
    "key.next": {"en": "Next beat (presenter clicker: PgDn)", "ko": "다음 장면 (프레젠터: PgDn)"},
    "key.prev": {"en": "Previous beat: the model really goes back", "ko": "이전 장면: 모델이 그 순간으로 되돌아갑니다"},
    "key.home": {"en": "First beat", "ko": "첫 장면"},
    "key.blank": {"en": "Blank the screen", "ko": "화면 가리기"},
    "key.menu": {"en": "Lesson menu", "ko": "수업 목록"},
    "menu.lessons": {"en": "Lessons", "ko": "수업 목록"},
    "menu.hint": {"en": "↑ ↓ and Enter, a number, or click · Esc closes",
                  "ko": "↑ ↓ 와 Enter, 숫자, 또는 클릭 · Esc로 닫기"},
    "mouse.scrub": {"en": "Drag the time bar: replay an earlier moment", "ko": "시간 막대 끌기: 지난 순간 다시 보기"},
    "mouse.caption": {"en": "Click the caption: next beat", "ko": "자막 클릭: 다음 장면"},
    # recording from the window (visualizer/record_window.py)
    "key.record": {"en": "Start / stop recording a video into recordings/",
                   "ko": "동영상 녹화 시작 / 중지 (recordings/ 폴더)"},
    "key.screenshot": {"en": "Save a screenshot (PNG) into recordings/", "ko": "스크린샷 저장 (PNG, recordings/ 폴더)"},
    "toast.rec_on": {"en": "Recording: {path}", "ko": "녹화 중: {path}"},
    "toast.rec_off": {"en": "Video saved: {path} ({secs:.1f} s)", "ko": "동영상 저장됨: {path} ({secs:.1f}초)"},
    "toast.rec_fail": {"en": "Recording failed: {why}", "ko": "녹화 실패: {why}"},
    "toast.shot": {"en": "Screenshot saved: {path}", "ko": "스크린샷 저장됨: {path}"},
    "busy.rewinding": {"en": "Rewinding…", "ko": "되감는 중…"},
    "busy.forward": {"en": "Fast-forwarding to the next beat…", "ko": "다음 장면까지 빨리 감는 중…"},
    "algo.round_robin": {"en": "round robin", "ko": "라운드 로빈"},
    "algo.weighted_round_robin": {"en": "weighted round robin", "ko": "가중 라운드 로빈"},
    "algo.least_connections": {"en": "least connections", "ko": "최소 연결"},
    "algo.random": {"en": "random", "ko": "무작위"},
    "algo.power_of_two": {"en": "power of two choices", "ko": "두 개 중 덜 바쁜 쪽"},
    "algo.ip_hash": {"en": "IP hash", "ko": "IP 해시"},
    "algo.sticky": {"en": "sticky sessions", "ko": "고정 세션"},
}
STRINGS.update(SITE_STRINGS)           # data centres and their theory cards: i18n_sites.py
STRINGS.update(AUDIT_STRINGS)          # the capstone's audit card: i18n_audit.py
STRINGS.update(SHARD_STRINGS)          # database shards and their theory card: i18n_shards.py
STRINGS.update(QUEUE_STRINGS)          # the message queue's tube, charts and card: i18n_queue.py
STRINGS.update(GROUP_STRINGS)          # group cards of a crowded column: i18n_groups.py


def fact(key: str, value: str, lang: str, group: str = "extra") -> tuple[str, str]:
    """A NodeView.extra (or request_info, group 'req') entry as a translated (label, value) row;
    unknown keys and values are shown as they are."""
    label = t(f"{group}.{key}", lang)
    if label == f"{group}.{key}":
        label = key.replace("_", " ")
    for prefix in ("role.", "algo.", "reason.", "val."):
        if lookup(f"{prefix}{value}") is not None:
            return label, t(f"{prefix}{value}", lang)
    return label, value


def _kind_strings() -> dict[str, dict[str, str]]:
    """The strings each component kind brings in its spec (names, what it is for, ...)."""
    version = registry.version()
    if _KIND_CACHE.get("version") != version:
        _KIND_CACHE["version"] = version
        _KIND_CACHE["strings"] = registry.strings()
    return _KIND_CACHE["strings"]  # type: ignore[return-value]


_KIND_CACHE: dict[str, object] = {}


def all_strings() -> dict[str, dict[str, str]]:
    """Every on-screen string: the window's own and every registered kind's."""
    return {**_kind_strings(), **STRINGS}


def lookup(key: str) -> dict[str, str] | None:
    """The {'en', 'ko'} entry of a key: the window's own strings, then the kinds'."""
    entry = STRINGS.get(key)
    return entry if entry is not None else _kind_strings().get(key)


def t(key: str, lang: str, **fmt: object) -> str:
    """The text for `key` in `lang` ('en' or 'ko'), formatted with `fmt`; the key itself if unknown."""
    entry = lookup(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**fmt) if fmt else text


def other(lang: str) -> str:
    """The other language: 'ko' <-> 'en'."""
    return "en" if lang == "ko" else "ko"
