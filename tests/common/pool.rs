//! A fixed pool of std threads for the tests that hand jobs to workers, as
//! an application's thread pool does.

use std::sync::mpsc;
use std::thread;

/// A pool of `n` workers running boxed jobs from one queue, as a
/// `ThreadPoolExecutor` does; the workers outlive the requests.
pub struct Pool {
    jobs: Option<mpsc::Sender<Box<dyn FnOnce() + Send>>>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl Pool {
    pub fn new(n: usize) -> Pool {
        let (tx, rx) = mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let workers = (0..n)
            .map(|_| {
                let rx = rx.clone();
                thread::spawn(move || loop {
                    let job = rx.lock().unwrap().recv();
                    let Ok(job) = job else { return };
                    // A panicking job must not take the worker down.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    // The worker's own context is back: nothing of the job.
                    assert!(baton::Context::current().is_empty());
                })
            })
            .collect();
        Pool {
            jobs: Some(tx),
            workers,
        }
    }

    /// `submit(fn)`: runs `f` on a worker inside the context current now;
    /// the result comes back through the returned receiver.
    pub fn submit<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> mpsc::Receiver<R> {
        let (tx, rx) = mpsc::channel();
        let job = baton::copy_context_to_thread(f);
        self.jobs
            .as_ref()
            .unwrap()
            .send(Box::new(move || {
                let _ = tx.send(job());
            }))
            .unwrap();
        rx
    }

    /// Runs `job` on a worker as it is, in the worker's own context.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        self.jobs.as_ref().unwrap().send(Box::new(job)).unwrap();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.jobs.take();
        for w in self.workers.drain(..) {
            w.join().unwrap();
        }
    }
}
