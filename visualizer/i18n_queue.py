"""The message queue's on-screen strings (the tube, its charts, its theory card) in English and Korean."""

from __future__ import annotations

QUEUE_STRINGS: dict[str, dict[str, str]] = {
    "queue.tube": {"en": "{depth} / {cap} jobs waiting", "ko": "대기 작업 {depth} / {cap}"},
    "m.queue_depth": {"en": "Queue depth (jobs waiting)", "ko": "큐 길이 (대기 작업)"},
    "m.oldest_job": {"en": "Oldest job waiting", "ko": "가장 오래 기다린 작업"},
    "theory.queue": {"en": "Queue: jobs in at λ, out at c·μ", "ko": "큐: λ로 들어오고 c·μ로 나감"},
    "theory.no_queue": {"en": "no message queue in this design", "ko": "이 구성에는 메시지 큐가 없음"},
    "theory.q_no_worker": {"en": "no worker up: c·μ = 0, jobs wait", "ko": "정상 워커 없음: c·μ = 0, 작업은 기다림"},
    "theory.q_workers": {"en": "c = {c} slots, μ = 1/{ms} ms = {mu}/s, c·μ = {cmu}/s",
                         "ko": "슬롯 c = {c}개, μ = 1/{ms} ms = {mu}/s, c·μ = {cmu}/s"},
    "theory.q_span": {"en": "t = {t0}-{t1} s: λ = {lam}/s measured", "ko": "t = {t0}-{t1}초: 측정 λ = {lam}/s"},
    "theory.q_rho": {"en": "ρ = λ/(c·μ) = {rho} · busy {busy}", "ko": "ρ = λ/(c·μ) = {rho} · 바쁜 슬롯 {busy}"},
    "theory.q_rho_backlog": {"en": "ρ = λ/(c·μ) = {rho} · busy {busy} (a backlog waits)",
                             "ko": "ρ = λ/(c·μ) = {rho} · 바쁜 슬롯 {busy} (적체 처리 중)"},
    "theory.q_grows": {"en": "λ - c·μ = {p}/s · measured {m}/s", "ko": "λ - c·μ = {p}/s · 측정 {m}/s"},
    "theory.q_shrinks": {"en": "λ - c·μ = {p}/s · measured {m}/s", "ko": "λ - c·μ = {p}/s · 측정 {m}/s"},
    "theory.q_keeps_up": {"en": "no backlog: jobs are taken as they come", "ko": "적체 없음: 들어오는 대로 처리"},
    "theory.q_drain": {"en": "Q/(c'·μ - λ) = {q}/({cmu} - {lam}) = {p} s (Q at {t0} s)",
                       "ko": "Q/(c'·μ - λ) = {q}/({cmu} - {lam}) = {p}초 ({t0}초의 Q)"},
    "theory.q_drained": {"en": "measured: empty after {m} s", "ko": "측정: {m}초 만에 비워짐"},
    "theory.q_draining": {"en": "measured: {s} s so far, {n} left", "ko": "측정: 지금까지 {s}초, {n}개 남음"},
    "theory.q_never": {"en": "c·μ ≤ λ: it never empties", "ko": "c·μ ≤ λ: 비워지지 않음"},
    "theory.q_now": {"en": "waiting {n} · redelivered {r} · refused {f}", "ko": "대기 {n} · 재전달 {r} · 거절 {f}"},
}
