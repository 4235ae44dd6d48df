// @ts-check
// Types only (the bundler erases them): the anywidget model each view reads and the shapes of
// the traits the Python widgets (labelwidgets/widgets/*.py) sync to it.
export {};

/**
 * The anywidget model of a widget whose synced traits are `T`.
 * @template {object} T
 * @typedef {object} Model
 * @property {<K extends keyof T & string>(key: K) => T[K]} get
 * @property {(event: `change:${keyof T & string}`, callback: () => void) => void} on
 * @property {(event: `change:${keyof T & string}`, callback: () => void) => void} off
 * @property {(content: Command) => void} send
 * @property {<K extends keyof T & string>(key: K, value: T[K]) => void} set
 * @property {() => void} save_changes
 */

/** @typedef {{type: string, seq: number} & Record<string, unknown>} Command */

/** @typedef {{unknown: true}} Unknown  "Not in the text" (lw.UNKNOWN) on the wire. */
/** @typedef {{start: number, end: number, label?: string}} Span  one span of a spans answer */
/** @typedef {string | number | boolean | null | Unknown | (string | number)[] | Span[]} JsonAnswer */

/**
 * The reply to a command (CommandWidget.ack), `{}` before the first one.
 * @typedef {object} Ack
 * @property {number} [seq]
 * @property {boolean} [ok]
 * @property {string} [message]
 * @property {boolean} [saved]
 * @property {Record<string, string[]>} [problems] per question, when a submission is rejected
 * @property {boolean} [forceable] whether "store anyway" may override the problems
 * @property {number | null} [event_id] the last event a write stored
 */

/** @typedef {{ack: Ack, error: string}} CommandTraits */

/** @typedef {{op: string, a: string, b: string}} DiffOp  one opcode of compare.word_diff */

/** @typedef {{question: string, values: JsonAnswer[]}} When */

/**
 * A question as Labeler.task_view sends it.
 * @typedef {object} QuestionView
 * @property {string} name
 * @property {"text"|"choice"|"multi_choice"|"rating"|"number"|"date"|"spans"} kind
 * @property {string} instructions
 * @property {string[]} choices
 * @property {boolean} allow_unknown
 * @property {When | null} when
 * @property {[number, number]} scale
 * @property {boolean} [evidence] labelers mark where the answer is written
 * @property {string[]} [labels] of a spans question (the keys 1–9 pick them)
 */

/** @typedef {{name?: string, guidelines?: string, questions?: QuestionView[]}} TaskView */

/**
 * The chunk on screen (Labeler.item); `{}` before the first one, `{done: true}` after the last.
 * @typedef {object} LabelerItem
 * @property {string} [chunk_id]
 * @property {boolean} [done]
 * @property {string} [doc_name]
 * @property {number | null} [page_start]
 * @property {number | null} [page_end]
 * @property {string} [text]
 * @property {[number, number][]} [highlights]
 * @property {string} [context_before]
 * @property {string} [context_after]
 * @property {Record<string, JsonAnswer>} [answers] spans answers in chunk coordinates
 * @property {Record<string, [number, number][]>} [evidence] per question, chunk coordinates
 *   (0 = the chunk's first character; negative in the context before it)
 * @property {boolean} [offsets] the chunk's place in its document is known (evidence possible)
 * @property {boolean} [prefilled]
 * @property {boolean} [done_before]
 * @property {"answered" | "skipped" | null} [status] what the labeler did with this chunk before
 * @property {number} [text_offset] where `text` starts in a long chunk shown a part at a time
 * @property {number} [text_length] the whole chunk's length
 * @property {boolean} [more] text follows this part (the `show_more` command shows it)
 * @property {number} [page] which part of the chunk is shown, from 0
 * @property {boolean} [paged] another part of the chunk already on screen: the answers stay
 * @property {string[] | null} [questions] the questions that apply to this chunk (null: all)
 */

/**
 * The model's answer to one question beside the labeler's, after a submit.
 * @typedef {object} ReviewEntry
 * @property {string} model
 * @property {JsonAnswer} model_answer
 * @property {JsonAnswer} labeler_answer
 * @property {DiffOp[]} ops
 * @property {[number, number][]} [model_evidence] where the model found it (chunk coordinates)
 * @property {boolean | null} [model_supported] false: not found in the text; null: not judged
 * @property {"evidence" | "text" | null} [model_via] its evidence, or located in the chunk
 * @property {Span[]} [model_spans] a spans question's model answer (chunk coordinates)
 */
/** @typedef {{chunk_id?: string, questions?: Record<string, ReviewEntry>}} LabelerReview */
/** @typedef {{done?: number, total?: number, position?: number, skipped?: number}} LabelerProgress */

/**
 * One search result (a chunk) of the page shown.
 * @typedef {object} FoundRow
 * @property {string} chunk_id
 * @property {string} [doc_name]
 * @property {number | null} [page_start]
 * @property {number | null} [page_end]
 * @property {string} snippet text around the first hit (plain text)
 * @property {string | null} [status] this labeler's: "answered", "skipped" or null
 */

/**
 * One page of search results (the `found` trait); `{}` when no search is open.
 * @typedef {object} Found
 * @property {{text: string, document: string, status: string}} [query]
 * @property {number} [total]
 * @property {number} [page]
 * @property {number} [page_size]
 * @property {FoundRow[]} [results]
 */

/**
 * @typedef {CommandTraits & {task_view: TaskView, item: LabelerItem, progress: LabelerProgress,
 *           review: LabelerReview, terms: string, found: Found, saved: number,
 *           reading: {question?: string, text?: string},
 *           read_back: {question?: string, text?: string, value?: number, error?: string}}} LabelerTraits
 * @typedef {Model<LabelerTraits>} LabelerModel
 */

/**
 * One answer the Reviewer lists (quality.review.review_item).
 * @typedef {object} ReviewAnswer
 * @property {"labeler"|"model"} kind
 * @property {string} who
 * @property {JsonAnswer} answer
 * @property {DiffOp[]} ops against the reference answer
 * @property {number | null} score_vs_reference
 * @property {string[]} problems
 * @property {[number, number][]} [evidence] its evidence, else where it occurs (chunk coordinates)
 * @property {boolean | null} [supported] false: not found in the text (or in its evidence)
 * @property {"evidence" | "text" | null} [via]
 * @property {Span[]} [spans] a spans answer (chunk coordinates)
 */

/**
 * @typedef {object} ReviewItem
 * @property {string} [chunk_id]
 * @property {boolean} [done]
 * @property {string} [doc_name]
 * @property {number | null} [page_start]
 * @property {number | null} [page_end]
 * @property {string} [text]
 * @property {{name: string, kind: string, instructions: string, choices: string[]}} [question]
 * @property {string} [reference] "model" or "first labeler"
 * @property {ReviewAnswer[]} [answers]
 * @property {JsonAnswer} [final]
 * @property {string | null} [final_by]
 */

/**
 * @typedef {CommandTraits & {item: ReviewItem, found: Found, saved: number,
 *           progress: {position?: number, total?: number, decided?: number}}} ReviewerTraits
 * @typedef {Model<ReviewerTraits>} ReviewerModel
 */

/** @typedef {{version: string} & Record<string, number | string | null>} VersionRow */
/**
 * @typedef {{chunk_id: string, gold: JsonAnswer, before: JsonAnswer, after: JsonAnswer,
 *            outcome: string, ops: DiffOp[]}} PromptChange
 * @typedef {{running: boolean, done: number, total: number, cancelled?: boolean}} RunState
 * @typedef {CommandTraits & {questions: string[], question: string, template: string,
 *           versions: VersionRow[], changes: PromptChange[], running: RunState}} PromptLabTraits
 * @typedef {Model<PromptLabTraits>} PromptLabModel
 */

/**
 * @typedef {object} FeedbackItem
 * @property {string} chunk_id
 * @property {string} question
 * @property {string} text
 * @property {JsonAnswer} your_answer
 * @property {JsonAnswer} final_answer
 * @property {string} [decision] "no decision yet" while there is no final answer
 * @property {DiffOp[]} ops
 * @property {string} reviewer
 * @property {string | null} note
 * @typedef {CommandTraits & {items: FeedbackItem[], labeler: string}} FeedbackTraits
 * @typedef {Model<FeedbackTraits>} FeedbackModel
 */
