import assert from 'node:assert/strict';
import type { AskedQuestion, PendingApproval } from '../../../protocol/src';
import { questionAnswers } from '../../../webview-ui/src/model/questionAnswers';
import { notificationText, titleWithCount } from '../../../webview-ui/src/ui/approvalAlerts';

describe('viewer: tool request answers and alerts', () => {
  const questions: AskedQuestion[] = [
    { question: 'One?', header: 'One', multiSelect: false, options: [{ label: 'A', description: '' }, { label: 'B', description: '' }] },
    { question: 'Many?', header: 'Many', multiSelect: true, options: [{ label: 'X', description: '' }, { label: 'Y', description: '' }, { label: 'Z', description: '' }] },
    { question: 'Skipped?', header: '', multiSelect: false, options: [{ label: 'P', description: '' }, { label: 'Q', description: '' }] },
  ];

  it('answers as Claude Code takes them: a label, labels in option order joined by ", ", own words; a blank question left out', () => {
    assert.deepEqual(questionAnswers(questions, [{ picked: ['B'], other: '' }, { picked: ['Z', 'X'], other: ' and more ' }, { picked: [], other: '' }]), { answers: { 'One?': 'B', 'Many?': 'X, Z, and more' } });
    assert.deepEqual(questionAnswers(questions, [{ picked: [], other: 'my own' }]), { answers: { 'One?': 'my own' } });
    assert.deepEqual(questionAnswers(questions, [{ picked: ['not an option'], other: '' }]), { answers: {} }, 'only the question\'s own labels count');
  });

  it('counts pending requests in the title and writes short, escaped notifications', () => {
    assert.equal(titleWithCount('s · Tandem', 2), '(2) s · Tandem');
    assert.equal(titleWithCount('s · Tandem', 0), 's · Tandem');
    const base: PendingApproval = { id: 'req-12345', promptId: 'p-12345678', toolName: 'Bash\u202e', input: '{}', command: `rm -rf /\u001b[2J${'x'.repeat(500)}\nsecond line`, createdAt: 1, deadline: 2, state: 'pending', answerers: 'prompters' };
    const note = notificationText(base);
    assert.equal(note.title, 'Claude Code asks to use Bash\\u202e');
    assert.ok(note.body.startsWith('rm -rf /\\u001b[2Jxxx'));
    assert.equal(note.body.length, 120);
    assert.ok(!/[\u0000-\u001f\u202e]/.test(note.title + note.body));
    assert.equal(notificationText({ ...base, plan: '# Plan\n\n1. go' }).title, 'Claude Code asks you to approve a plan');
  });
});
