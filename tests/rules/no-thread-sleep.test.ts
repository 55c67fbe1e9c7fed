import rule from '../../rules/no-thread-sleep';
import { ruleTester } from '../rule-tester';

ruleTester(rule, {
  valid: [
    'fn main() { std::thread::sleep(std::time::Duration::from_secs(1)); }',
    'async fn f() { tokio::time::sleep(std::time::Duration::from_secs(1)).await; }',
  ],
  invalid: [
    {
      code: `use std::time::Duration;
async fn f() {
    std::thread::sleep(Duration::from_secs(1));
}
`,
      errors: [{ messageId: 'async', line: 3, column: 5, endLine: 3, endColumn: 47 }],
      output: `use std::time::Duration;
async fn f() {
    tokio::time::sleep(Duration::from_secs(1)).await;
}
`,
    },
    {
      name: 'seed pattern 1 with the sleep first: interval_at keeps the first delay',
      code: `use std::thread;
use std::time::Duration;
fn start() {
    tokio::spawn(async move {
        loop {
            thread::sleep(Duration::from_secs(1));
            do_work();
        }
    });
}
fn do_work() {}
`,
      errors: [{ messageId: 'async', line: 6, column: 13 }],
      output: `use std::time::Duration;
fn start() {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + Duration::from_secs(1), Duration::from_secs(1));
        loop {
            interval.tick().await;
            do_work();
        }
    });
}
fn do_work() {}
`,
    },
  ],
});
