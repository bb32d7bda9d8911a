// @ts-check
// The report's trajectory viewer, inlined into the page. Trajectory text is untrusted (it comes from a
// model and an environment), so every text goes in through textContent or an attribute setter; this
// file never assigns innerHTML. Data: the JSON block #bridle-report-data (EmbeddedData in model.ts).
(function () {
  'use strict';
  var dataElement = document.getElementById('bridle-report-data');
  var select = /** @type {HTMLSelectElement | null} */ (document.getElementById('episode-select'));
  var view = document.getElementById('episode-view');
  if (!dataElement || !select || !view) return;
  var data = JSON.parse(dataElement.textContent || '{}');

  /** Make an element with a class and text. */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function append(parent) {
    for (var index = 1; index < arguments.length; index++) {
      var child = arguments[index];
      if (child) parent.appendChild(child);
    }
    return parent;
  }

  function pre(text) {
    return el('pre', '', text);
  }

  function tag(text, tone) {
    return el('span', 'tag' + (tone ? ' tag-' + tone : ''), text);
  }

  /** A labelled block inside a step. */
  function part(label) {
    var node = el('div', 'part');
    node.appendChild(el('div', 'part-label', label));
    for (var index = 1; index < arguments.length; index++) if (arguments[index]) node.appendChild(arguments[index]);
    return node;
  }

  function json(value) {
    return JSON.stringify(value, null, 2);
  }

  function actionText(action) {
    if (!action) return 'no action';
    if (action.kind === 'finish') return 'finish: ' + action.message;
    return action.tool + ' ' + JSON.stringify(action.arguments);
  }

  function backboneText(backbone) {
    return backbone.id + (backbone.simulated ? ' (simulated)' : '');
  }

  function definitionList(rows) {
    var list = el('dl');
    rows.forEach(function (row) {
      if (row[1] === undefined || row[1] === null || row[1] === '') return;
      list.appendChild(el('dt', '', row[0]));
      var value = el('dd');
      if (row[1] instanceof Node) value.appendChild(row[1]);
      else value.textContent = String(row[1]);
      list.appendChild(value);
    });
    return list;
  }

  function renderMessage(message) {
    if (message.role === 'system') {
      var text = data.strings[message.ref] || '';
      var details = el('details');
      details.appendChild(el('summary', '', 'system prompt (' + text.length + ' characters)'));
      details.appendChild(pre(text));
      return details;
    }
    var label = message.role + (message.role === 'tool' ? ' · ' + message.name : '');
    var block = part(label, pre(message.content));
    if (message.toolCalls && message.toolCalls.length) block.appendChild(pre(json(message.toolCalls)));
    return block;
  }

  function renderSample(step, sample, index) {
    var candidate = (step.candidates || []).filter(function (entry) {
      return entry.index === index;
    })[0];
    var box = el('div', index === step.chosen ? 'chosen' : '');
    var heading = el('div', 'part-label', 'sample ' + index + (index === step.chosen ? ' (chosen)' : ''));
    box.appendChild(heading);
    box.appendChild(pre(sample.text === '' ? '(empty text)' : sample.text));
    if (sample.toolCalls && sample.toolCalls.length) box.appendChild(pre('tool calls: ' + json(sample.toolCalls)));
    if (candidate) {
      var verdict = el('div');
      if (candidate.action) verdict.appendChild(tag('realized: ' + actionText(candidate.action), 'good'));
      if (candidate.rejection) verdict.appendChild(tag('rejected: ' + candidate.rejection, 'bad'));
      if (candidate.blocked) verdict.appendChild(tag('guard blocked: ' + candidate.blocked, 'bad'));
      box.appendChild(verdict);
    }
    return box;
  }

  /** A violation's code with the module and hook it names. */
  function violationText(violation) {
    return violation.code + ' in ' + (violation.module ? violation.module : 'an unnamed module') + ' (' + violation.hook + ')';
  }

  function stepSummary(step) {
    var text = 'step ' + step.index + ' · ';
    if (step.violation) text += 'VIOLATION ' + violationText(step.violation) + ' · ';
    if (step.modelFault) text += 'model fault · ';
    if (step.rejection) text += 'rejected: ' + step.rejection.slice(0, 80);
    else if (step.blocked) text += 'blocked ' + actionText(step.action).slice(0, 60);
    else text += actionText(step.action).slice(0, 100);
    if (step.result) text += step.result.ok ? ' · ok' : ' · ERROR';
    if (step.samples.length > 1) text += ' · ' + step.samples.length + ' samples';
    var fired = (step.fired || []).reduce(function (count, entry) {
      return count + entry.modules.length;
    }, 0);
    if (fired) text += ' · ' + fired + ' module answers';
    return text;
  }

  function renderStep(step) {
    var details = el('details', 'step');
    details.appendChild(el('summary', '', stepSummary(step)));
    if (step.messages.length) {
      var messages = part('messages added');
      step.messages.forEach(function (message) {
        messages.appendChild(renderMessage(message));
      });
      details.appendChild(messages);
    }
    var samples = part('raw outputs (' + step.samples.length + ')');
    step.samples.forEach(function (sample, index) {
      samples.appendChild(renderSample(step, sample, index));
    });
    details.appendChild(samples);
    details.appendChild(part('realized action', pre(step.action ? json(step.action) : 'none')));
    if (step.rejection) details.appendChild(part('realize rejected', pre(step.rejection)));
    details.appendChild(part('guard', step.blocked ? append(el('div'), tag('blocked', 'bad'), pre(step.blocked)) : el('div', '', step.action ? 'allowed' : '—')));
    if (step.result) details.appendChild(part('environment result', append(el('div'), tag(step.result.ok ? 'ok' : 'error', step.result.ok ? 'good' : 'bad')), pre(step.result.output)));
    if (!step.result || step.feedback !== step.result.output) details.appendChild(part('told to the model next (after interpret)', pre(step.feedback === '' ? '(nothing)' : step.feedback)));
    if (step.regulate) details.appendChild(part('regulate', pre(json(step.regulate))));
    if (step.fired && step.fired.length) {
      var fired = el('div');
      step.fired.forEach(function (entry) {
        entry.modules.forEach(function (module) {
          fired.appendChild(tag(entry.hook + ': ' + module, 'module'));
        });
      });
      details.appendChild(part('fired modules', fired));
    }
    if (step.violation) details.appendChild(part('sandbox violation', pre(json(step.violation))));
    if (step.modelFault) details.appendChild(part('model fault', pre(step.modelFault)));
    details.appendChild(
      el('div', 'part part-label', 'tokens in ' + step.usage.inputTokens + ', out ' + step.usage.outputTokens + (step.usage.estimated ? ' (estimated)' : '') + ' · peeks ' + step.peeks),
    );
    return details;
  }

  function renderEpisode(episode, caption) {
    var box = el('div', 'episode');
    var heading = el('h3');
    heading.appendChild(el('span', episode.success ? 'verdict-pass' : 'verdict-fail', episode.success ? 'PASS' : 'FAIL'));
    heading.appendChild(document.createTextNode(' ' + (caption ? caption + ' · ' : '') + episode.taskId));
    box.appendChild(heading);
    box.appendChild(
      definitionList([
        ['backbone', backboneText(episode.backbone)],
        ['split · trial · seed', episode.split + ' · ' + episode.trial + ' · ' + episode.seed],
        ['harness', episode.harness.label + (episode.harness.modules.length ? ' (' + episode.harness.modules.join(', ') + ')' : ' (no modules)')],
        ['runner', episode.runner],
        ['ended', episode.end.reason + (episode.end.detail ? ': ' + episode.end.detail : '')],
        ['steps', episode.steps.length + ' of ' + episode.maxSteps],
        ['model calls · tokens', episode.usage.modelCalls + ' · ' + episode.usage.inputTokens + ' in, ' + episode.usage.outputTokens + ' out' + (episode.usage.estimated ? ' (estimated)' : '')],
      ]),
    );
    box.appendChild(part('instruction', pre(episode.instruction)));
    var checks = el('ul', 'checks');
    episode.verification.checks.forEach(function (check) {
      checks.appendChild(el('li', check.passed ? 'passed' : 'failed', check.name + (check.detail ? ': ' + check.detail : '')));
    });
    box.appendChild(part('verification (reward ' + episode.verification.reward + ')', checks));
    if (episode.verification.differences.length) {
      box.appendChild(
        part(
          'database differences',
          pre(
            episode.verification.differences
              .map(function (difference) {
                return difference.table + '.' + difference.key + (difference.field ? '.' + difference.field : '');
              })
              .join('\n'),
          ),
        ),
      );
    }
    if (episode.violations.length) {
      box.appendChild(
        part(
          'sandbox violations',
          pre(
            episode.violations
              .map(function (violation) {
                return violationText(violation) + ': ' + violation.message;
              })
              .join('\n'),
          ),
        ),
      );
    }
    if (episode.finalMessage !== undefined) box.appendChild(part('final message', pre(episode.finalMessage)));
    var steps = part('steps');
    episode.steps.forEach(function (step) {
      steps.appendChild(renderStep(step));
    });
    box.appendChild(steps);
    return box;
  }

  function show(entryIndex) {
    var entry = data.entries[entryIndex];
    if (!entry || !view) return;
    view.replaceChildren();
    if (entry.episodes.length === 2) {
      var pair = el('div', 'episode-pair');
      pair.appendChild(renderEpisode(data.episodes[entry.episodes[0]], entry.captions && entry.captions[0]));
      pair.appendChild(renderEpisode(data.episodes[entry.episodes[1]], entry.captions && entry.captions[1]));
      view.appendChild(pair);
    } else {
      view.appendChild(renderEpisode(data.episodes[entry.episodes[0]]));
    }
  }

  // The picker: one option group per source, in the page's order.
  data.sources.forEach(function (source, sourceIndex) {
    var group = /** @type {HTMLOptGroupElement} */ (el('optgroup'));
    group.label = source.label + ' (' + source.embedded + (source.embedded < source.available ? ' of ' + source.available : '') + ')';
    data.entries.forEach(function (entry, entryIndex) {
      if (entry.source !== sourceIndex) return;
      var option = /** @type {HTMLOptionElement} */ (el('option', '', entry.label));
      option.value = String(entryIndex);
      group.appendChild(option);
    });
    if (group.childElementCount) select.appendChild(group);
  });
  select.addEventListener('change', function () {
    show(Number(select.value));
  });
  function step(by) {
    if (!select) return;
    var next = Math.min(select.options.length - 1, Math.max(0, select.selectedIndex + by));
    select.selectedIndex = next;
    show(Number(select.value));
  }
  var previous = document.getElementById('episode-previous');
  var next = document.getElementById('episode-next');
  var toggle = document.getElementById('steps-toggle');
  if (previous) previous.addEventListener('click', function () { step(-1); });
  if (next) next.addEventListener('click', function () { step(1); });
  if (toggle) {
    toggle.addEventListener('click', function () {
      var steps = view ? view.querySelectorAll('details.step') : [];
      var open = toggle.textContent === 'expand all steps';
      steps.forEach(function (node) {
        /** @type {HTMLDetailsElement} */ (node).open = open;
      });
      toggle.textContent = open ? 'collapse all steps' : 'expand all steps';
    });
  }
  if (data.entries.length) show(Number(select.value));
})();
